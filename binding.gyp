{
  "targets": [
    {
      "target_name": "wrt_probe",
      "sources": [
        "native/addon/addon.cc",
        "native/addon/cpu_arm64.cc",
        "native/addon/cpu_unknown.cc",
        "native/addon/cpu_x86.cc",
        "native/addon/errno_name.cc",
        "native/addon/js_values.cc",
        "native/addon/limits_posix.cc",
        "native/addon/qnx_syspage.cc",
        "native/addon/system_posix.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Werror"],
      "conditions": [
        ["OS=='linux' and target_arch=='x64'", {
          "cflags_cc": ["-fcf-protection=full"],
          "ldflags": ["-Wl,-z,ibt", "-Wl,-z,shstk"]
        }],
        ["OS=='linux' and target_arch=='arm64'", {
          "cflags_cc": ["-mbranch-protection=standard"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "OTHER_CPLUSPLUSFLAGS": ["-Wall", "-Wextra", "-Werror"]
          }
        }]
      ]
    }
  ]
}
