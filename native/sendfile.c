/*
 * sluice_native: the smallest native surface the zero-copy Fetch path needs
 * (ARCHITECTURE.md §3 "Zero copy"). Node-API (node_api.h) plus libuv (uv.h) only.
 *
 * Exports:
 *   sendfile(outFd, inFd, offset, count) -> number
 *       Calls sendfile(2) from `inFd` at `offset` into the non-blocking socket
 *       `outFd`, looping until `count` bytes went out, the socket would block, or the
 *       file ended. Returns the bytes sent (> 0), 0 when the file ended before any
 *       byte (a short slice), -EAGAIN when the socket is full and nothing was sent,
 *       or -errno on any other failure with nothing sent. An error after a partial
 *       send is reported by the next call. Never blocks: the socket is non-blocking.
 *   waitWritable(fd, callback) -> id
 *       Starts a libuv poll watcher (UV_WRITABLE) on a dup() of `fd` -- libuv allows
 *       only one watcher per fd number, and Node's own TCP handle already has the
 *       original. Calls `callback(status)` once (status 0, or a negative libuv error),
 *       then closes the watcher and its dup. Never spins, never uses the threadpool.
 *   cancelWait(id) -> boolean
 *       Stops a pending watcher without calling its callback (true if it was still
 *       pending). Callers cancel when their socket closes.
 *
 * Ownership: watchers live in a per-env list owned by this file; an env cleanup hook
 * closes the ones still pending so a worker's loop can close.
 * Concurrency: every function runs on the env's JS thread only.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif

/* Linux caps one sendfile(2) call at 0x7ffff000 bytes. */
#define SLUICE_MAX_CHUNK ((int64_t)0x7ffff000)

typedef struct addon_state addon_state_t;

typedef struct watcher {
  uv_poll_t poll;
  struct watcher *prev;
  struct watcher *next;
  addon_state_t *state;
  uint32_t id;
  int dup_fd;
  napi_ref callback;
  napi_async_context async_ctx;
} watcher_t;

struct addon_state {
  napi_env env;
  uv_loop_t *loop;
  watcher_t *head;
  uint32_t next_id;
};

/* Throws an Error whose code is the libuv name (EBADF, ...) of the negative errno `err`. */
static void throw_errno(napi_env env, const char *what, int err) {
  napi_value msg_value;
  napi_value code_value;
  napi_value error;
  char msg[160];
  snprintf(msg, sizeof msg, "%s failed: %s (%s)", what, uv_err_name(err), uv_strerror(err));
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &msg_value);
  napi_create_string_utf8(env, uv_err_name(err), NAPI_AUTO_LENGTH, &code_value);
  napi_create_error(env, code_value, msg_value, &error);
  napi_throw(env, error);
}

static int get_int32_arg(napi_env env, napi_value value, const char *name, int32_t *out) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type != napi_number || napi_get_value_int32(env, value, out) != napi_ok) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a number", name);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return 0;
  }
  return 1;
}

static int get_int64_arg(napi_env env, napi_value value, const char *name, int64_t *out) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type != napi_number || napi_get_value_int64(env, value, out) != napi_ok || *out < 0) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a non-negative number", name);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return 0;
  }
  return 1;
}

static napi_value js_sendfile(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t out_fd;
  int32_t in_fd;
  int64_t offset;
  int64_t count;
  int64_t result = 0;
  napi_value ret;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "sendfile(outFd, inFd, offset, count)");
    return NULL;
  }
  if (!get_int32_arg(env, argv[0], "outFd", &out_fd) || !get_int32_arg(env, argv[1], "inFd", &in_fd) ||
      !get_int64_arg(env, argv[2], "offset", &offset) || !get_int64_arg(env, argv[3], "count", &count)) {
    return NULL;
  }

#ifdef __linux__
  {
    off_t off = (off_t)offset;
    int64_t sent = 0;
    while (sent < count) {
      int64_t want = count - sent;
      ssize_t n;
      if (want > SLUICE_MAX_CHUNK) want = SLUICE_MAX_CHUNK;
      n = sendfile(out_fd, in_fd, &off, (size_t)want);
      if (n > 0) {
        sent += n;
        continue;
      }
      if (n == 0) break; /* end of file: the caller sees a short count */
      if (errno == EINTR) continue;
      if (sent == 0) result = (errno == EWOULDBLOCK) ? -EAGAIN : -errno;
      break;
    }
    if (sent > 0) result = sent;
  }
#else
  (void)out_fd;
  (void)in_fd;
  (void)offset;
  (void)count;
  result = -ENOSYS;
#endif

  napi_create_int64(env, result, &ret);
  return ret;
}

static void unlink_watcher(watcher_t *w) {
  addon_state_t *state = w->state;
  if (w->prev) w->prev->next = w->next;
  else if (state->head == w) state->head = w->next;
  if (w->next) w->next->prev = w->prev;
  w->prev = NULL;
  w->next = NULL;
}

static void on_watcher_closed(uv_handle_t *handle) {
  watcher_t *w = (watcher_t *)handle->data;
  if (w->dup_fd >= 0) close(w->dup_fd);
  free(w);
}

/* Drops the JS-side resources (callback reference, async context). JS thread only. */
static void release_js(napi_env env, watcher_t *w) {
  if (w->callback) {
    napi_delete_reference(env, w->callback);
    w->callback = NULL;
  }
  if (w->async_ctx) {
    napi_async_destroy(env, w->async_ctx);
    w->async_ctx = NULL;
  }
}

static void on_poll(uv_poll_t *handle, int status, int events) {
  watcher_t *w = (watcher_t *)handle->data;
  napi_env env = w->state->env;
  napi_handle_scope scope;
  napi_value callback;
  napi_value recv;
  napi_value arg;
  (void)events;

  uv_poll_stop(handle);
  unlink_watcher(w);

  napi_open_handle_scope(env, &scope);
  if (napi_get_reference_value(env, w->callback, &callback) == napi_ok && callback != NULL) {
    napi_get_global(env, &recv); /* make_callback wants an object receiver */
    napi_create_int32(env, status, &arg);
    /* make_callback drains microtasks afterwards, so promise continuations run now. */
    if (napi_make_callback(env, w->async_ctx, recv, callback, 1, &arg, NULL) == napi_pending_exception) {
      /* A throwing callback becomes an uncaught exception, as with any Node callback. */
      napi_value exception;
      if (napi_get_and_clear_last_exception(env, &exception) == napi_ok) napi_fatal_exception(env, exception);
    }
  }
  release_js(env, w);
  napi_close_handle_scope(env, scope);
  uv_close((uv_handle_t *)handle, on_watcher_closed);
}

static napi_value js_wait_writable(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  napi_valuetype type;
  addon_state_t *state;
  watcher_t *w;
  napi_value resource_name;
  napi_value ret;
  int rc;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "waitWritable(fd, callback)");
    return NULL;
  }
  if (!get_int32_arg(env, argv[0], "fd", &fd)) return NULL;
  napi_typeof(env, argv[1], &type);
  if (type != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "callback must be a function");
    return NULL;
  }
  napi_get_instance_data(env, (void **)&state);

  w = (watcher_t *)calloc(1, sizeof *w);
  if (w == NULL) {
    throw_errno(env, "waitWritable", -ENOMEM);
    return NULL;
  }
  w->state = state;
  w->dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (w->dup_fd < 0) {
    int err = errno;
    free(w);
    throw_errno(env, "waitWritable dup", -err);
    return NULL;
  }
  rc = uv_poll_init(state->loop, &w->poll, w->dup_fd);
  if (rc < 0) {
    close(w->dup_fd);
    free(w);
    throw_errno(env, "waitWritable uv_poll_init", rc);
    return NULL;
  }
  w->poll.data = w;
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_create_string_utf8(env, "sluice.waitWritable", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &w->async_ctx);

  rc = uv_poll_start(&w->poll, UV_WRITABLE, on_poll);
  if (rc < 0) {
    release_js(env, w);
    uv_close((uv_handle_t *)&w->poll, on_watcher_closed);
    throw_errno(env, "waitWritable uv_poll_start", rc);
    return NULL;
  }

  if (++state->next_id == 0) state->next_id = 1;
  w->id = state->next_id;
  w->next = state->head;
  if (state->head) state->head->prev = w;
  state->head = w;

  napi_create_uint32(env, w->id, &ret);
  return ret;
}

static napi_value js_cancel_wait(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t id = 0;
  addon_state_t *state;
  watcher_t *w;
  napi_value ret;
  bool found = false;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &id) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "cancelWait(id): id must be a number");
    return NULL;
  }
  napi_get_instance_data(env, (void **)&state);
  for (w = state->head; w != NULL; w = w->next) {
    if (w->id == id) {
      unlink_watcher(w);
      uv_poll_stop(&w->poll);
      release_js(env, w);
      uv_close((uv_handle_t *)&w->poll, on_watcher_closed);
      found = true;
      break;
    }
  }
  napi_get_boolean(env, found, &ret);
  return ret;
}

/* Env teardown (process exit or worker end): close pending watchers so the loop can close. */
static void cleanup_env(void *arg) {
  addon_state_t *state = (addon_state_t *)arg;
  watcher_t *w = state->head;
  while (w != NULL) {
    watcher_t *next = w->next;
    uv_poll_stop(&w->poll);
    uv_close((uv_handle_t *)&w->poll, on_watcher_closed);
    w = next;
  }
  state->head = NULL;
  free(state);
}

static void export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

NAPI_MODULE_INIT() {
  addon_state_t *state = (addon_state_t *)calloc(1, sizeof *state);
  if (state == NULL) {
    throw_errno(env, "sluice_native init", -ENOMEM);
    return NULL;
  }
  state->env = env;
  if (napi_get_uv_event_loop(env, &state->loop) != napi_ok) {
    free(state);
    napi_throw_error(env, "ERR_SLUICE_NATIVE", "sluice_native: no libuv loop");
    return NULL;
  }
  napi_set_instance_data(env, state, NULL, NULL);
  napi_add_env_cleanup_hook(env, cleanup_env, state);

  export_function(env, exports, "sendfile", js_sendfile);
  export_function(env, exports, "waitWritable", js_wait_writable);
  export_function(env, exports, "cancelWait", js_cancel_wait);
  return exports;
}
