// Prints where the PostgreSQL statement splitter splits a file, one statement a line:
// "<kind> <offset> <length> <line>:<column>", or "error <message>" (exit 1). For the
// comparison with psql in splitter_vs_psql.py.
#include <fstream>
#include <iostream>
#include <sstream>

#include "db/postgres/statement_splitter.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: pg_split_dump FILE\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::cerr << "pg_split_dump: cannot read " << argv[1] << "\n";
        return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        for (const auto& s : runner::split_pg_statements(text.str(), argv[1])) {
            static const char* const kKinds[] = {"sql", "copy-in", "copy-out", "copy-data", "meta"};
            std::cout << kKinds[static_cast<int>(s.kind)] << ' ' << s.offset << ' ' << s.text.size()
                      << ' ' << s.line << ':' << s.column << '\n';
        }
    } catch (const runner::PgSplitError& e) {
        std::cout << "error " << e.what() << '\n';
        return 1;
    }
    return 0;
}
