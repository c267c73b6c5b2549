// The storage umbrella: the repository concept and the in-memory repository. The SQLite and PostgreSQL repositories are components of their own (isv/storage/sqlite.hpp, isv/storage/postgres.hpp).
#pragma once

#include "isv/repository.hpp"
#include "isv/storage/memory.hpp"
