//! Prints brush-parser's AST for a command (a development aid).
#![allow(clippy::print_stdout, clippy::unwrap_used)]
fn main() {
    let s = std::env::args().nth(1).unwrap_or_default();
    let opts = brush_parser::ParserOptions::default();
    let mut p = brush_parser::Parser::new(std::io::Cursor::new(s.as_bytes()), &opts);
    println!("{:#?}", p.parse_program());
}
