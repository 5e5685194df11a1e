// Tests of reading a schema from SQLite's catalog: one schema built in different ways reads as
// one model and one text; render, execute and read again gives the same model; real differences
// are found and named.
#include "db/sqlite/catalog.hpp"

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <memory>
#include <stdexcept>
#include <string>

#include "schema/diff.hpp"
#include "schema/render.hpp"

namespace runner {
namespace {

// An in-memory database, closed on destruction.
class MemoryDb {
  public:
    MemoryDb() {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open(":memory:", &raw);
        db_.reset(raw);
        if (rc != SQLITE_OK) {
            throw std::runtime_error("cannot open :memory:");
        }
    }
    explicit MemoryDb(const std::string& sql) : MemoryDb() { exec(sql); }

    void exec(const std::string& sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message ? message : "unknown error";
            sqlite3_free(message);
            throw std::runtime_error(text + " in: " + sql);
        }
    }
    Schema schema() const {
        return read_sqlite_schema(db_.get(), bookkeeping_tables("runner_version"));
    }
    std::string sql() const { return render_schema_sql(schema()); }

  private:
    struct Closer {
        void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
    };
    std::unique_ptr<sqlite3, Closer> db_;
};

std::string differences(const Schema& expected, const Schema& actual) {
    return render_differences_text(diff_schemas(expected, actual));
}

// A schema with something of every kind SQLite keeps: keys, actions, options, generated columns,
// partial and expression indexes, views, triggers, AUTOINCREMENT, collations and CHECKs.
constexpr const char* kRichSchema = R"sql(
CREATE TABLE accounts(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    balance REAL DEFAULT (0.0) CHECK (balance >= 0),
    status TEXT CHECK (status IN ("open", 'closed')),  -- a double-quoted string
    flags BLOB DEFAULT x'00ff'
);
CREATE TABLE memberships(
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE ON UPDATE RESTRICT,
    group_id INTEGER NOT NULL,
    role TEXT NOT NULL DEFAULT 'member',
    PRIMARY KEY (account_id, group_id),
    FOREIGN KEY (group_id) REFERENCES "groups" DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT role_known CHECK (role IN ('member', 'admin'))
) WITHOUT ROWID;
CREATE TABLE [groups](
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES groups(id) ON DELETE SET NULL MATCH FULL,
    title TEXT NOT NULL,
    slug TEXT GENERATED ALWAYS AS (lower(title)) VIRTUAL,
    title_len INT AS (length(title)) STORED
);
CREATE TABLE ledger(
    seq INTEGER NOT NULL,
    account_id INT NOT NULL,
    amount INTEGER NOT NULL DEFAULT -1,
    note TEXT,
    PRIMARY KEY (account_id, seq DESC),
    UNIQUE (note COLLATE NOCASE, amount)
) STRICT, WITHOUT ROWID;
CREATE TABLE "order"(x REFERENCES "order"(x) PRIMARY KEY) ;
CREATE INDEX ledger_big ON ledger(amount DESC) WHERE amount > 1000;
CREATE UNIQUE INDEX accounts_lower_name ON accounts(lower(name), abs(balance) COLLATE RTRIM);
CREATE INDEX groups_slug ON groups(slug COLLATE NOCASE);
CREATE VIEW account_totals(account, total) AS
    SELECT a.name, sum(l.amount) FROM accounts a JOIN ledger l ON l.account_id = a.id
    GROUP BY a.name;
CREATE TRIGGER ledger_no_negative BEFORE INSERT ON ledger WHEN NEW.amount < -1
BEGIN SELECT RAISE(ABORT, 'negative amount'); END;
CREATE TRIGGER accounts_touch AFTER UPDATE OF name ON accounts FOR EACH ROW
BEGIN UPDATE accounts SET created_at = created_at WHERE id = NEW.id; END;
)sql";

constexpr const char* kUsers = R"sql(
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE CHECK (length(email) > 3),
    age INT DEFAULT 0 CHECK (age >= 0),
    nick TEXT DEFAULT 'x'
);
CREATE INDEX users_email ON users (email);
CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
CREATE TRIGGER users_nick AFTER INSERT ON users BEGIN
    UPDATE users SET nick = lower(email) WHERE id = NEW.id;
END;
)sql";

BOOST_AUTO_TEST_SUITE(sqlite_catalog)

BOOST_AUTO_TEST_CASE(one_schema_built_four_ways_reads_as_one_model_and_one_text) {
    const MemoryDb fresh(kUsers);
    // Different quoting, case, whitespace and comments.
    const MemoryDb spelled(R"sql(
        create table "users" ( [id] integer primary key, `email` text not null collate NOCASE
          check(LENGTH("email")>3), age int default (0) check (age>=0) /* age */,
          nick text default "x" );
        create index "users_email" on users(email);
        create view adults as select id,email from users where age>=18;
        create trigger users_nick after insert on "users" begin
          update "users" set nick=LOWER(email) where id=new.id; end;)sql");
    // ALTER TABLE: ADD COLUMN, RENAME COLUMN and a rename dance ("CREATE TABLE "users"(...)").
    const MemoryDb altered(R"sql(
        CREATE TABLE users_tmp (id INTEGER PRIMARY KEY,
            mail TEXT NOT NULL COLLATE NOCASE CHECK (length(mail) > 3));
        ALTER TABLE users_tmp ADD COLUMN age INT DEFAULT 0 CHECK (age >= 0);
        ALTER TABLE users_tmp ADD COLUMN nick TEXT DEFAULT 'x';
        ALTER TABLE users_tmp RENAME COLUMN mail TO email;
        ALTER TABLE users_tmp RENAME TO users;
        CREATE INDEX users_email ON users (email);
        CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
        CREATE TRIGGER users_nick AFTER INSERT ON users BEGIN
            UPDATE users SET nick = lower(email) WHERE id = NEW.id;
        END;)sql");
    // SQLite's 12-step rebuild, from an older shape with rows.
    MemoryDb rebuilt(R"sql(
        CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
        INSERT INTO users VALUES (1, 'someone@example.com');
        CREATE TABLE users_new (id INTEGER PRIMARY KEY,
            email TEXT NOT NULL COLLATE NOCASE CHECK (length(email) > 3),
            age INT DEFAULT 0 CHECK (age >= 0), nick TEXT DEFAULT 'x');
        INSERT INTO users_new (id, email) SELECT id, email FROM users;
        DROP TABLE users;
        ALTER TABLE users_new RENAME TO users;)sql");
    rebuilt.exec(std::string(kUsers).substr(std::string(kUsers).find("CREATE INDEX")));

    for (const MemoryDb* other : {&spelled, &altered, static_cast<const MemoryDb*>(&rebuilt)}) {
        BOOST_TEST(differences(fresh.schema(), other->schema()) == "");
        BOOST_TEST(other->sql() == fresh.sql());
    }
    BOOST_TEST(fresh.sql() ==
               "CREATE TABLE users (\n"
               "    id INTEGER PRIMARY KEY,\n"
               "    email TEXT NOT NULL COLLATE NOCASE,\n"
               "    age INT DEFAULT 0,\n"
               "    nick TEXT DEFAULT 'x',\n"
               "    CHECK (age >= 0),\n"
               "    CHECK (length(email) > 3)\n"
               ");\n"
               "CREATE INDEX users_email ON users (email);\n"
               "CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;\n"
               "CREATE TRIGGER users_nick AFTER INSERT ON users BEGIN UPDATE users SET nick = "
               "lower(email) WHERE id = NEW.id; END;\n");
}

BOOST_AUTO_TEST_CASE(a_rich_schema_survives_render_execute_and_read_unchanged) {
    const MemoryDb original(kRichSchema);
    const Schema model = original.schema();
    const std::string sql = render_schema_sql(model);

    const MemoryDb rebuilt(sql);

    BOOST_TEST(differences(model, rebuilt.schema()) == "");
    BOOST_TEST(rebuilt.sql() == sql);
    const TableDef* accounts = find_table(model, "accounts");
    BOOST_TEST_REQUIRE(accounts);
    BOOST_TEST(accounts->autoincrement);
    BOOST_TEST(accounts->checks.size() == 2U);
    BOOST_TEST(find_table(model, "ledger")->strict);
    BOOST_TEST(find_table(model, "ledger")->without_rowid);
    BOOST_TEST(find_table(model, "memberships")->foreign_keys.size() == 2U);
    BOOST_TEST(model.indexes.size() == 3U);
    BOOST_TEST(model.views.size() == 1U);
    BOOST_TEST(model.triggers.size() == 2U);
    // The parent of a foreign key written without columns is the parent's primary key.
    BOOST_TEST(sql.find("FOREIGN KEY (group_id) REFERENCES \"groups\" (id) DEFERRABLE INITIALLY "
                        "DEFERRED") != std::string::npos,
               sql);
    BOOST_TEST(sql.find("CHECK (status IN ('open', 'closed'))") != std::string::npos, sql);
    // Referenced tables first: accounts and groups before memberships.
    BOOST_TEST(sql.find("CREATE TABLE memberships") > sql.find("CREATE TABLE \"groups\""), sql);
    BOOST_TEST(sql.find("CREATE TABLE memberships") > sql.find("CREATE TABLE accounts"), sql);
}

BOOST_AUTO_TEST_CASE(real_differences_are_found_and_named) {
    const MemoryDb expected(kRichSchema);
    // The CHECK and the foreign-key action differ in the CREATE text; the rest by hand.
    std::string changed = kRichSchema;
    changed.replace(changed.find("balance >= 0"), 12, "balance > 0");
    changed.replace(changed.find("ON DELETE CASCADE"), 17, "ON DELETE RESTRICT");
    MemoryDb live(changed);
    live.exec(R"sql(
        ALTER TABLE ledger ADD COLUMN memo TEXT;
        DROP INDEX ledger_big;
        DROP TRIGGER accounts_touch;
        CREATE TRIGGER accounts_touch AFTER UPDATE OF name ON accounts
        BEGIN SELECT 1; END;)sql");

    BOOST_TEST(differences(expected.schema(), live.schema()) ==
               "changed check on accounts\n"
               "    expected: CHECK (balance >= 0)\n"
               "    actual:   CHECK (balance > 0)\n"
               "extra column ledger.memo: memo TEXT\n"
               "changed foreign key on memberships\n"
               "    expected: FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE "
               "CASCADE ON UPDATE RESTRICT\n"
               "    actual:   FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE "
               "RESTRICT ON UPDATE RESTRICT\n"
               "missing index ledger_big on ledger: CREATE INDEX ledger_big ON ledger (amount "
               "DESC) WHERE amount > 1000\n"
               "changed trigger accounts_touch on accounts\n"
               "    expected: CREATE TRIGGER accounts_touch AFTER UPDATE OF name ON accounts "
               "BEGIN UPDATE accounts SET created_at = created_at WHERE id = NEW.id; END\n"
               "    actual:   CREATE TRIGGER accounts_touch AFTER UPDATE OF name ON accounts "
               "BEGIN SELECT 1; END\n");
}

BOOST_AUTO_TEST_CASE(virtual_tables_keep_their_module_and_leave_out_their_shadow_tables) {
    const MemoryDb db(R"sql(
        CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter');
        CREATE TABLE copied AS SELECT 1 AS one, 'x' AS two;
        CREATE VIEW broken AS SELECT * FROM no_such_table;)sql");
    const std::string sql = db.sql();

    BOOST_TEST(sql ==
               "CREATE TABLE copied (\n    one,\n    two\n);\n"
               "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter');\n"
               "CREATE VIEW broken AS SELECT * FROM no_such_table;\n");
    BOOST_TEST(MemoryDb(sql).sql() == sql);
}

BOOST_AUTO_TEST_CASE(triggers_written_with_or_without_for_each_row_and_before_are_equal) {
    const MemoryDb a("CREATE TABLE t(x); CREATE TRIGGER g INSERT ON t BEGIN SELECT 1; END;");
    const MemoryDb b(
        "CREATE TABLE t(x); CREATE TRIGGER g BEFORE INSERT ON t FOR EACH ROW BEGIN SELECT 1; END;");
    const MemoryDb c("CREATE TABLE t(x); CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; END;");

    BOOST_TEST(differences(a.schema(), b.schema()) == "");
    BOOST_TEST(a.sql() == b.sql());
    BOOST_TEST(differences(a.schema(), c.schema()) ==
               "changed trigger g on t\n"
               "    expected: CREATE TRIGGER g BEFORE INSERT ON t BEGIN SELECT 1; END\n"
               "    actual:   CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; END\n");
}

BOOST_AUTO_TEST_CASE(bookkeeping_and_internal_tables_are_not_part_of_the_schema) {
    const MemoryDb db(R"sql(
        CREATE TABLE runner_version (revision TEXT PRIMARY KEY);
        CREATE TABLE Runner_Version_Log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT);
        CREATE INDEX runner_log_at ON runner_version_log (at);
        CREATE TABLE runner_version_partial (revision TEXT);
        CREATE TRIGGER keep AFTER INSERT ON runner_version_partial BEGIN SELECT 1; END;
        CREATE TABLE app (id INTEGER PRIMARY KEY AUTOINCREMENT);
        INSERT INTO app DEFAULT VALUES;)sql");

    BOOST_TEST(db.sql() == "CREATE TABLE app (\n    id INTEGER PRIMARY KEY AUTOINCREMENT\n);\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
