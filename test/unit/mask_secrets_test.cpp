// mask_secrets, the one function every message that shows a database URL goes through: no URL
// or connection-string shape keeps its password, raw or percent-decoded, and what is left
// still says which database was meant.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "db/database.hpp"

namespace {

struct Shape {
    std::string url;     // holds `secret` (as written in it)
    std::string secret;  // unique to this shape
    std::string kept;    // a part that must still be shown
};

// %HH decoded, as a driver would read the password.
std::string decoded(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() &&
            std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

const std::vector<Shape> kShapes = {
    {"sqlite:///?password=qx1hunter", "qx1hunter", "sqlite:///"},
    {"sqlite:///app.db?password=qx2hunter", "qx2hunter", "app.db"},
    {"sqlite:///app.db?mode=ro&password=qx3hunter", "qx3hunter", "mode=ro"},
    {"sqlite:///app.db?pass%77ord=qx4hunter", "qx4hunter", "app.db"},
    {"sqlite+pysqlite:///app.db?key=qx5hunter", "qx5hunter", "app.db"},
    {"file:app.db?password=qx6hunter", "qx6hunter", "file:app.db"},
    {"file:app.db#password=qx7hunter", "qx7hunter", "file:app.db"},
    {"postgresql://u:qx8hunter@h/d", "qx8hunter", "postgresql://u:***@h/d"},
    {"postgres://u:qx9%40ss@h/d", "qx9%40ss", "postgres://u:***@h/d"},
    {"postgres://u:%71%78%31%30hunter@h/d", "%71%78%31%30hunter", "@h/d"},
    {"postgresql+psycopg2://u:qx11hunter@h/d", "qx11hunter", "postgresql+psycopg2://u:***@h/d"},
    {"postgresql://u:pa?qx12hunter@host/db", "pa?qx12hunter", "@host/db"},
    {"postgresql://u:pa#qx13hunter@host/db", "pa#qx13hunter", "@host/db"},
    {"postgresql://u:pa/qx14hunter@host/db", "pa/qx14hunter", "@host/db"},
    {"postgresql://u:pa@qx15hunter@host/db", "pa@qx15hunter", "@host/db"},
    {"postgresql://:qx16hunter@host/db", "qx16hunter", "@host/db"},
    {"postgresql://u:qx17hunter@[::1]:5432/db", "qx17hunter", "[::1]:5432/db"},
    {"postgresql://u:qx18hunter@h1:5432,h2:5433/db", "qx18hunter", "h1:5432,h2:5433/db"},
    {"postgresql://u@h/d?sslpassword=qx19hunter", "qx19hunter", "postgresql://u@h/d"},
    {"postgresql://u@h/d?sslmode=require&password=qx20hunter", "qx20hunter", "sslmode=require"},
    {"postgresql://h/d?user=u&PASSWORD=qx21hunter&application_name=a", "qx21hunter",
     "application_name=a"},
    {"postgresql://u:qx22hunter@h/d?options=-c%20a@b", "qx22hunter", "postgresql://u:***@"},
    {"mysql+pymysql://u:qx23hunter@h/d", "qx23hunter", "mysql+pymysql://u:***@h/d"},
    {"host=h password=qx24hunter dbname=d", "qx24hunter", "dbname=d"},
    {"host=h password='se cret qx25' dbname=d", "se cret qx25", "dbname=d"},
    {"host=h password = 'it\\'s qx26' dbname=d", "it\\'s qx26", "dbname=d"},
    {"host=h PASSWORD=qx27hunter", "qx27hunter", "host=h"},
    {"dbname=d sslpassword=qx28hunter", "qx28hunter", "dbname=d"},
    {"password=qx29hunter", "qx29hunter", "password="},
    // A fragment is not a query, but a password put there is still a password.
    {"sqlite:///app.db#password=qx30hunter", "qx30hunter", "sqlite:///app.db#password="},
    {"sqlite:///app.db?mode=ro#key=qx31hunter", "qx31hunter", "mode=ro"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mask_secrets)

BOOST_AUTO_TEST_CASE(no_url_shape_keeps_its_password_raw_or_decoded) {
    for (const Shape& shape : kShapes) {
        const std::string shown = runner::mask_secrets(shape.url);
        BOOST_TEST_CONTEXT(shape.url << " -> " << shown) {
            BOOST_TEST(shown.find(shape.secret) == std::string::npos);
            BOOST_TEST(shown.find(decoded(shape.secret)) == std::string::npos);
            // Any 6 characters in a row of the secret would still give it away.
            const std::string plain = decoded(shape.secret);
            for (std::size_t i = 0; i + 6 <= plain.size(); ++i) {
                BOOST_TEST(shown.find(plain.substr(i, 6)) == std::string::npos, plain.substr(i, 6));
            }
            BOOST_TEST(shown.find("***") != std::string::npos);
            BOOST_TEST(shown.find(shape.kept) != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(urls_without_secrets_are_shown_as_given) {
    for (const std::string url :
         {"app.db", "sqlite:///app.db", "sqlite:////abs/app.db?mode=ro", "file:app.db?mode=ro",
          "postgresql://alice@db.example:5432/prod?sslmode=require", "host=h dbname=d user=u"}) {
        BOOST_TEST(runner::mask_secrets(url) == url);
    }
}

BOOST_AUTO_TEST_SUITE_END()
