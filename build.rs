// Rebuild when a migration changes: they are embedded in the binary. Likewise the interface's
// messages: `fluent-templates` reads `locales/` when the crate compiles, and a language file added
// there (a new language, the dashboard translated) must be picked up without touching src/.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
}
