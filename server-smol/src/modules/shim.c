/* The C side of the module host: the allocator the modules use (Valkey's Alloc family is
 * zmalloc; plain libc malloc here) and ValkeyModule_Log, which is variadic and so is formatted
 * here and handed back to Rust as one finished line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Valkey's LOG_MAX_LEN. */
#define SMOL_LOG_MAX_LEN 1024

void server_smol_module_log(void *ctx, const char *level, const char *msg);

void *server_smol_alloc(size_t bytes) { return malloc(bytes); }
void *server_smol_calloc(size_t nmemb, size_t size) { return calloc(nmemb, size); }
void *server_smol_realloc(void *ptr, size_t bytes) { return realloc(ptr, bytes); }
void server_smol_free(void *ptr) { free(ptr); }
char *server_smol_strdup(const char *str) { return strdup(str); }

void server_smol_log(void *ctx, const char *level, const char *fmt, ...) {
    char msg[SMOL_LOG_MAX_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    server_smol_module_log(ctx, level, msg);
}

/* ValkeyModule_LogIOError: as Log, for a data type's IO context. This server never hands out
 * IO contexts (no RDB/AOF), so the line is logged under the generic module name. */
void server_smol_log_io(void *io, const char *level, const char *fmt, ...) {
    char msg[SMOL_LOG_MAX_LEN];
    va_list ap;
    (void)io;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    server_smol_module_log(NULL, level, msg);
}
