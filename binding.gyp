{
  # The optional native addon for the zero-copy Fetch path (native/sendfile.c).
  # Built by `npm install` through scripts/build-native.mjs; a failed build only
  # means the broker uses its read+write fallback.
  "targets": [
    {
      "target_name": "sluice_native",
      "sources": ["native/sendfile.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"]
    }
  ]
}
