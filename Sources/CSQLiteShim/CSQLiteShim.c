#include "CSQLiteShim.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

int accord_sqlite_harden(sqlite3 *db) {
    static const struct {
        int option;
        int value;
    } settings[] = {
        {SQLITE_DBCONFIG_DEFENSIVE, 1},
        {SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0},
        {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
        {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0},
    };
    for (size_t index = 0; index < sizeof settings / sizeof settings[0]; index++) {
        int now = -1;
        int code = sqlite3_db_config(db, settings[index].option, settings[index].value, &now);
        if (code != SQLITE_OK) return code;
        if (now != settings[index].value) return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

int accord_sqlite_config_flag(sqlite3 *db, int option) {
    int now = -1;
    if (sqlite3_db_config(db, option, -1, &now) != SQLITE_OK) return -1;
    return now;
}

// MARK: - Capped functions

/// One capped function: the built-in, prepared on the private connection.
typedef struct {
    const char *name;
    sqlite3_stmt *statement;
    sqlite3 *helper;
    int max_pattern_bytes;
    int owns_helper;
} capped_function;

static void capped_call(sqlite3_context *context, int count, sqlite3_value **values) {
    capped_function *function = sqlite3_user_data(context);
    // The second argument is the one searched for (instr, replace) or the characters to trim;
    // a number is short (and asking its size would convert it to text).
    int type = count >= 2 ? sqlite3_value_type(values[1]) : SQLITE_NULL;
    if ((type == SQLITE_TEXT || type == SQLITE_BLOB) && sqlite3_value_bytes(values[1]) > function->max_pattern_bytes) {
        char message[200];
        snprintf(message, sizeof message, "the second argument of %s() is longer than %d bytes, the most audit sql accepts",
                 function->name, function->max_pattern_bytes);
        sqlite3_result_error(context, message, -1);
        return;
    }
    sqlite3_stmt *statement = function->statement;
    for (int index = 0; index < count; index++) {
        if (sqlite3_bind_value(statement, index + 1, values[index]) != SQLITE_OK) {
            sqlite3_result_error_nomem(context);
            sqlite3_reset(statement);
            sqlite3_clear_bindings(statement);
            return;
        }
    }
    int code = sqlite3_step(statement);
    if (code == SQLITE_ROW) {
        sqlite3_result_value(context, sqlite3_column_value(statement, 0));
    } else if (sqlite3_errcode(function->helper) == SQLITE_TOOBIG) {
        sqlite3_result_error_toobig(context);
    } else {
        sqlite3_result_error(context, sqlite3_errmsg(function->helper), -1);
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
}

static void capped_destroy(void *pointer) {
    capped_function *function = pointer;
    sqlite3_finalize(function->statement);
    // Closed once its last statement is finalized.
    if (function->owns_helper) sqlite3_close_v2(function->helper);
    free(function);
}

int accord_sqlite_cap_functions(sqlite3 *db, int max_pattern_bytes) {
    static const struct {
        const char *name;
        int arguments;
        const char *sql;
        // The trim functions compare each end character with every character of the set: their
        // set is capped far lower (32 bytes), so that one call over a 1 MB value stays short.
        int trim_set;
    } functions[] = {
        {"instr", 2, "SELECT instr(?1, ?2)", 0},  {"replace", 3, "SELECT replace(?1, ?2, ?3)", 0},
        {"trim", 2, "SELECT trim(?1, ?2)", 1},    {"ltrim", 2, "SELECT ltrim(?1, ?2)", 1},
        {"rtrim", 2, "SELECT rtrim(?1, ?2)", 1},
    };
    sqlite3 *helper = NULL;
    int code = sqlite3_open_v2(":memory:", &helper, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (code != SQLITE_OK) {
        sqlite3_close_v2(helper);
        return code;
    }
    sqlite3_limit(helper, SQLITE_LIMIT_LENGTH, sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1));
    accord_sqlite_harden(helper);
    int helper_owned = 0;
    for (size_t index = 0; index < sizeof functions / sizeof functions[0]; index++) {
        capped_function *function = calloc(1, sizeof *function);
        if (function == NULL) {
            code = SQLITE_NOMEM;
            break;
        }
        function->name = functions[index].name;
        function->helper = helper;
        function->max_pattern_bytes = functions[index].trim_set && max_pattern_bytes > 32 ? 32 : max_pattern_bytes;
        code = sqlite3_prepare_v2(helper, functions[index].sql, -1, &function->statement, NULL);
        if (code != SQLITE_OK) {
            sqlite3_finalize(function->statement);
            free(function);
            break;
        }
        // The first function closes the helper when it is destroyed; on failure
        // sqlite3_create_function_v2 destroys it at once.
        function->owns_helper = !helper_owned;
        helper_owned = 1;
        code = sqlite3_create_function_v2(db, functions[index].name, functions[index].arguments,
                                          SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, function, capped_call,
                                          NULL, NULL, capped_destroy);
        if (code != SQLITE_OK) break;
    }
    if (!helper_owned) sqlite3_close_v2(helper);
    return code;
}
