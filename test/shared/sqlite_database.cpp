// The shared workflow cases' database in integration_tests: an SQLite file in the project folder,
// created by the first runner command that writes.
#include <algorithm>

#include "program.hpp"
#include "workflow.hpp"

namespace runner::shared {
namespace {

class SqliteDatabase final : public TestDatabase {
  public:
    explicit SqliteDatabase(const std::string& root) : path_(root + "/test.db") {}

    std::string backend() const override { return "sqlite"; }
    std::string url() const override { return path_; }

    std::vector<std::string> column(const std::string& sql) const override {
        if (!exists()) {
            return {};
        }
        return integration::query_column(path_, sql);
    }

    void exec(const std::string& sql) const override { integration::exec_sql(path_, sql); }

    std::vector<std::string> tables() const override {
        if (!exists()) {
            return {};
        }
        return integration::table_names(path_);
    }

    integration::RunResult apply_script(const std::string& script,
                                        const std::string& cwd) const override {
        return integration::run_program({"sqlite3", "-bail", path_}, cwd, {}, script);
    }

  protected:
    bool exists() const override { return integration::file_exists(path_); }

    std::vector<std::string> schema() const override { return integration::schema_dump(path_); }

    std::vector<std::string> rows(const std::string& table,
                                  const std::string& where) const override {
        std::string row;
        for (const auto& c : integration::table_columns(path_, table)) {
            row += (row.empty() ? "" : " || ',' || ") + std::string("quote(\"") + c + "\")";
        }
        auto out = integration::query_column(path_, "SELECT " + row + " FROM \"" + table + "\"" +
                                                        (where.empty() ? "" : " WHERE " + where));
        std::sort(out.begin(), out.end());
        return out;
    }

  private:
    std::string path_;
};

}  // namespace

std::unique_ptr<TestDatabase> make_test_database(const std::string& root) {
    return std::make_unique<SqliteDatabase>(root);
}

}  // namespace runner::shared
