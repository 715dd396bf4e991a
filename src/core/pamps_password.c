/* argon2id hashing: the encoded form carries its own salt and cost, so a
 * cost change applies to new hashes while old ones still verify.
 *
 * Memory: each hash needs memory_kib of scratch (19 MiB at the default).
 * Through malloc, glibc serves it from a per-thread arena (past its
 * adaptive mmap threshold) and keeps it: a burst of logins left every
 * httpd child at ~800 MB. The scratch is mmap'ed here and unmapped after
 * each hash, and at most as many hashes as online cores run at once in a
 * process (more would only share the same cores); the others wait. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <argon2.h>
#include <apr_base64.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "pamps_password.h"

#define SALT_LEN 16
#define HASH_LEN 32
#define MAX_FIELD 64            /* salt and hash bytes we accept when decoding */

/* --- scratch memory ------------------------------------------------------ */

static int scratch_alloc(uint8_t **memory, size_t bytes)
{
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (m == MAP_FAILED) {
        return ARGON2_MEMORY_ALLOCATION_ERROR;
    }
    *memory = m;
    return ARGON2_OK;
}

static void scratch_free(uint8_t *memory, size_t bytes)
{
    munmap(memory, bytes);
}

/* --- how many hash at once ---------------------------------------------- */

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_free = PTHREAD_COND_INITIALIZER;
static int slots_limit;         /* 0 until first use */
static int slots_busy, slots_peak;

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (int)n : 1;
}

static void slot_take(void)
{
    pthread_mutex_lock(&slots_lock);
    if (!slots_limit) {
        slots_limit = online_cores();
    }
    while (slots_busy >= slots_limit) {
        pthread_cond_wait(&slots_free, &slots_lock);
    }
    if (++slots_busy > slots_peak) {
        slots_peak = slots_busy;
    }
    pthread_mutex_unlock(&slots_lock);
}

static void slot_give(void)
{
    pthread_mutex_lock(&slots_lock);
    slots_busy--;
    pthread_cond_signal(&slots_free);
    pthread_mutex_unlock(&slots_lock);
}

int pamps_password_max_parallel(void)
{
    int n;

    pthread_mutex_lock(&slots_lock);
    n = slots_limit ? slots_limit : online_cores();
    pthread_mutex_unlock(&slots_lock);
    return n;
}

int pamps_password_peak_parallel(void)
{
    int n;

    pthread_mutex_lock(&slots_lock);
    n = slots_peak;
    pthread_mutex_unlock(&slots_lock);
    return n;
}

/* --- the encoded form: $argon2id$v=19$m=M,t=T,p=P$SALT$HASH --------------- */

/* base64 without padding, as libargon2 writes it */
static char *b64_nopad(apr_pool_t *p, const unsigned char *data, int len)
{
    char *out = apr_palloc(p, apr_base64_encode_len(len));
    int n = apr_base64_encode_binary(out, data, len) - 1;

    while (n > 0 && out[n - 1] == '=') {
        n--;
    }
    out[n] = '\0';
    return out;
}

/* Decodes the base64 field that starts at text and ends at '$' or the end
 * into out (at most MAX_FIELD bytes); its length, or -1. */
static int b64_field(const char *text, unsigned char *out, const char **end)
{
    size_t n = strcspn(text, "$");
    char field[MAX_FIELD * 2];
    int len;

    if (n == 0 || n >= sizeof(field) || text[strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                          "abcdefghijklmnopqrstuvwxyz"
                                                          "0123456789+/")] != text[n]) {
        return -1;
    }
    memcpy(field, text, n);
    field[n] = '\0';
    if (apr_base64_decode_len(field) > MAX_FIELD + 1) {
        return -1;
    }
    len = apr_base64_decode_binary(out, field);
    *end = text + n;
    return len;
}

typedef struct {
    uint32_t m, t, p;
    unsigned char salt[MAX_FIELD], hash[MAX_FIELD];
    int salt_len, hash_len;
} encoded_hash;

/* Reads what pamps_password_hash writes; 0 when text is not that. */
static int decode(const char *text, encoded_hash *h)
{
    static const char prefix[] = "$argon2id$v=19$";
    const char *s;
    int used = 0;

    if (strncmp(text, prefix, sizeof(prefix) - 1) != 0) {
        return 0;
    }
    s = text + sizeof(prefix) - 1;
    if (sscanf(s, "m=%u,t=%u,p=%u$%n", &h->m, &h->t, &h->p, &used) != 3 || !used) {
        return 0;
    }
    s += used;
    h->salt_len = b64_field(s, h->salt, &s);
    if (h->salt_len <= 0 || *s != '$') {
        return 0;
    }
    h->hash_len = b64_field(s + 1, h->hash, &s);
    return h->hash_len > 0 && *s == '\0';
}

/* --- hashing --------------------------------------------------------------- */

static void context_init(argon2_context *ctx, const char *password, uint32_t m, uint32_t t,
                         uint32_t p, unsigned char *salt, int salt_len,
                         unsigned char *out, int out_len)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->out = out;
    ctx->outlen = (uint32_t)out_len;
    /* argon2 writes to pwd only with ARGON2_FLAG_CLEAR_PASSWORD, not set */
    ctx->pwd = (uint8_t *)(uintptr_t)password;
    ctx->pwdlen = (uint32_t)strlen(password);
    ctx->salt = salt;
    ctx->saltlen = (uint32_t)salt_len;
    ctx->t_cost = t;
    ctx->m_cost = m;
    ctx->lanes = ctx->threads = p;
    ctx->version = ARGON2_VERSION_13;
    ctx->allocate_cbk = scratch_alloc;
    ctx->free_cbk = scratch_free;
    ctx->flags = ARGON2_DEFAULT_FLAGS;
}

char *pamps_password_hash(apr_pool_t *p, const pamps_argon2_cost *cost,
                          const char *password)
{
    unsigned char salt[SALT_LEN], out[HASH_LEN];
    argon2_context ctx;
    int rc;

    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS) {
        return NULL;
    }
    context_init(&ctx, password, cost->memory_kib, cost->iterations, cost->parallelism,
                 salt, sizeof(salt), out, sizeof(out));
    slot_take();
    rc = argon2_ctx(&ctx, Argon2_id);
    slot_give();
    if (rc != ARGON2_OK) {
        return NULL;
    }
    return apr_psprintf(p, "$argon2id$v=19$m=%u,t=%u,p=%u$%s$%s", cost->memory_kib,
                        cost->iterations, cost->parallelism,
                        b64_nopad(p, salt, sizeof(salt)), b64_nopad(p, out, sizeof(out)));
}

int pamps_password_verify(apr_pool_t *p, const pamps_argon2_cost *cost,
                          const char *encoded, const char *password)
{
    encoded_hash h;
    unsigned char out[MAX_FIELD];
    argon2_context ctx;
    int rc;

    if (encoded && strncmp(encoded, "$argon2id$", 10) == 0 && !decode(encoded, &h)) {
        /* a form this file does not write (no v=, say): libargon2 reads
         * it, with its own scratch memory */
        slot_take();
        rc = argon2id_verify(encoded, password, strlen(password));
        slot_give();
        return rc == ARGON2_OK;
    }
    if (!encoded || !decode(encoded, &h)) {
        /* spend the same work as a real check, then fail */
        pamps_password_hash(p, cost, password);
        return 0;
    }
    context_init(&ctx, password, h.m, h.t, h.p, h.salt, h.salt_len, out, h.hash_len);
    slot_take();
    /* computes into out, then compares with h.hash in constant time */
    rc = argon2id_verify_ctx(&ctx, (const char *)h.hash);
    slot_give();
    return rc == ARGON2_OK;
}
