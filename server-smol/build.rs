//! Compiles the module host's C shim (the variadic `Log` and the module allocator).

fn main() {
    println!("cargo:rerun-if-changed=src/modules/shim.c");
    cc::Build::new()
        .file("src/modules/shim.c")
        .warnings(true)
        .compile("server_smol_module_shim");
}
