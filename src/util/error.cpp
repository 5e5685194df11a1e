// Out-of-line anchor for the error types so their vtables live in one object file.
#include "util/error.hpp"
