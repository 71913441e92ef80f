//! A module's INFO sections (RegisterInfoFunc and the InfoAdd* API): asked for by module or
//! section name, by `modules` or `everything`; never in the default INFO.

use crate::modules::{module, ok};
use crate::support::Server;

fn info(r: &mut redis::Connection, args: &[&str]) -> String {
    redis::cmd("INFO").arg(args).query(r).expect("info")
}

#[test]
fn module_info_sections_follow_what_info_asks_for() {
    let hello = module("hello");
    let server = Server::start(&["--enable-module-command", "yes", "--loadmodule", &hello]);
    let mut r = server.redis(false);
    let section =
        "# hello_stats\r\nhello_level:5\r\nhello_loud:no\r\nhello_limits:limit=1024,max=100\r\n";
    assert_eq!(info(&mut r, &["hello"]), section);
    assert_eq!(info(&mut r, &["HELLO_STATS"]), section);
    assert_eq!(info(&mut r, &["hello_other"]), "");
    let everything = info(&mut r, &["everything"]);
    assert!(
        everything.ends_with(&format!("\r\n\r\n{section}")),
        "{everything}"
    );
    let modules = info(&mut r, &["modules"]);
    assert!(
        modules.starts_with("# Modules\r\nmodule:name=hello"),
        "{modules}"
    );
    assert!(modules.ends_with(section), "{modules}");
    assert!(!info(&mut r, &[]).contains("hello_level"));
    assert!(!info(&mut r, &["all"]).contains("hello_level"));
    // The fields follow the module's state.
    assert_eq!(
        ok(&mut r, &["CONFIG", "SET", "hello.level", "42"]),
        redis::Value::Okay
    );
    assert!(info(&mut r, &["hello"]).contains("hello_level:42\r\n"));
}
