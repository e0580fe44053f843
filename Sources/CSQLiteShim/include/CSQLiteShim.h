#ifndef ACCORD_CSQLITESHIM_H
#define ACCORD_CSQLITESHIM_H

/*
 * C helpers for the audit SQL connection: the calls of SQLite's C API that Swift cannot make
 * (sqlite3_db_config is variadic) and capped replacements of the built-in functions whose one
 * call can take seconds. The connection is the `sqlite3 *` of GRDBSQLite (an OpaquePointer in
 * Swift); this header only declares the type so that Swift sees a single sqlite3 module.
 */

typedef struct sqlite3 sqlite3;

/// Turns on SQLITE_DBCONFIG_DEFENSIVE and turns off SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
/// SQLITE_DBCONFIG_TRUSTED_SCHEMA and SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION.
/// Returns SQLITE_OK, or the first error code.
int accord_sqlite_harden(sqlite3 *db);

/// Reads back one on/off SQLITE_DBCONFIG_… option: 1 on, 0 off, -1 when it cannot be read.
int accord_sqlite_config_flag(sqlite3 *db, int option);

/// Replaces instr(X,Y), replace(X,Y,Z) and the two-argument trim, ltrim and rtrim by versions
/// that refuse a searched-for argument Y longer than `max_pattern_bytes` and otherwise give
/// the built-in's result (computed on a private in-memory connection with the same value
/// length limit as `db`). Their time is then at most about the value length times
/// `max_pattern_bytes`. Returns SQLITE_OK, or the first error code.
int accord_sqlite_cap_functions(sqlite3 *db, int max_pattern_bytes);

#endif
