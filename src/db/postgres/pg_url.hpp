// Which database names PostgreSQL takes, and what libpq is given for them. Pure code: no libpq.
#pragma once

#include <string>
#include <string_view>

namespace runner {

// Whether `url` names a PostgreSQL database: postgresql:// or postgres:// (also with a
// SQLAlchemy driver part, postgresql+psycopg2://, postgres+asyncpg://, ...), or a libpq
// keyword/value string ("host=db dbname=app user=alice").
bool is_postgres_url(std::string_view url);

// What libpq is given for `url`: the URL with the driver part of the scheme dropped
// (postgresql+asyncpg://h/d becomes postgresql://h/d), a keyword/value string unchanged.
std::string libpq_conninfo(std::string_view url);

// The password written in `url` (the userinfo of a URL, raw and percent-decoded, or a
// keyword string's password=), for scrubbing it from libpq's messages; empty when none.
std::string written_password(std::string_view url);
// The same, percent-decoded (what libpq sends).
std::string percent_decoded_password(std::string_view url);

}  // namespace runner
