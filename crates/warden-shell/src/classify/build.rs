//! Project-local build, test, format and lint tools, and package managers.

use warden_core::Severity;

use super::opts::{self, Spec};
use super::{Own, clip};
use crate::paths::{Place, place};
use crate::rules;
use crate::walk::{Sub, Walker};
use crate::word::Word;

/// Build, test, lint and format tools that work on the project and nothing else.
const PROJECT_TOOLS: &[&str] = &[
    "make",
    "gmake",
    "cmake",
    "ninja",
    "meson",
    "bazel",
    "bazelisk",
    "buck",
    "buck2",
    "pants",
    "just",
    "task",
    "mage",
    "scons",
    "premake5",
    "xmake",
    "gradle",
    "gradlew",
    "mvn",
    "mvnw",
    "ant",
    "sbt",
    "lein",
    "mix",
    "rebar3",
    "dune",
    "stack",
    "cabal",
    "swift",
    "xcodebuild",
    "dotnet",
    "msbuild",
    "pytest",
    "py.test",
    "tox",
    "nox",
    "mypy",
    "pyright",
    "ruff",
    "black",
    "isort",
    "flake8",
    "pylint",
    "pyflakes",
    "pycodestyle",
    "autopep8",
    "yapf",
    "bandit",
    "coverage",
    "tsc",
    "eslint",
    "prettier",
    "jest",
    "vitest",
    "mocha",
    "ava",
    "karma",
    "nyc",
    "c8",
    "tap",
    "playwright",
    "cypress",
    "webpack",
    "webpack-cli",
    "rollup",
    "esbuild",
    "vite",
    "parcel",
    "turbo",
    "nx",
    "lerna",
    "next",
    "nuxt",
    "astro",
    "svelte-kit",
    "ng",
    "tsup",
    "swc",
    "babel",
    "stylelint",
    "biome",
    "rome",
    "oxlint",
    "standard",
    "xo",
    "rustfmt",
    "gofmt",
    "goimports",
    "golangci-lint",
    "staticcheck",
    "govulncheck",
    "shfmt",
    "clang-format",
    "clang-tidy",
    "cppcheck",
    "rubocop",
    "standardrb",
    "rspec",
    "rake",
    "phpunit",
    "phpstan",
    "psalm",
    "php-cs-fixer",
    "phpcs",
    "swiftlint",
    "swiftformat",
    "ktlint",
    "detekt",
    "markdownlint",
    "markdownlint-cli2",
    "taplo",
    "buf",
    "stylua",
    "selene",
    "luacheck",
    "busted",
    "ctest",
    "behave",
    "cucumber",
    "bats",
    "shellspec",
    "hadolint",
    "yamllint",
    "actionlint",
    "codespell",
    "typos",
    "shellcheck",
    "vale",
    "cspell",
    "sqlfluff",
    "tflint",
    "checkov",
    "tfsec",
    "trivy",
    "semgrep",
    "gcc",
    "g++",
    "cc",
    "c++",
    "clang",
    "clang++",
    "rustc",
    "javac",
    "kotlinc",
    "swiftc",
    "zig",
    "go-task",
    "wasm-pack",
    "trunk",
    "maturin",
    "hatch",
    "pdm",
    "flit",
    "twine-check",
    "sphinx-build",
    "mkdocs",
    "hugo",
    "jekyll",
    "zola",
    "mdbook",
    "doxygen",
    "jsdoc",
    "typedoc",
    "storybook",
    "pre-commit",
    "lefthook",
    "husky",
    "changeset",
    "commitlint",
    "knip",
    "depcheck",
    "madge",
    "size-limit",
    "npm-run-all",
    "run-s",
    "run-p",
    "jasmine",
    "qunit",
    "uvicorn",
    "gunicorn",
    "flask",
    "django-admin",
    "rails",
    "bin/rails",
    "hypercorn",
    "air",
    "cargo-nextest",
    "protoc",
    "flatc",
    "thrift",
    "sqlc",
    "prisma",
    "drizzle-kit",
    "alembic",
    "knex",
    "sequelize",
    "typeorm",
    "diesel",
    "sqlx",
    "goose",
    "migrate",
    "dbmate",
    "flyway",
    "liquibase",
    "atlas",
];

/// Targets and subcommands of project tools that reach beyond the project.
const OUTWARD: &[&str] = &[
    "install",
    "uninstall",
    "deploy",
    "publish",
    "release",
    "upload",
    "push",
    "dist-upload",
    "docker-push",
    "global",
];

/// Database/migration subcommands that destroy data.
const DB_DESTROY: &[&str] = &[
    "db:drop",
    "db:reset",
    "db:schema:load",
    "db:purge",
    "flush",
    "reset",
    "drop",
    "migrate:fresh",
    "migrate:reset",
    "db:wipe",
    "schema:drop",
    "down",
    "rollback",
    "migrate:rollback",
    "sqlflush",
    "resetdb",
    "reset_db",
];

impl Walker<'_> {
    /// Build-tool and package-manager rules, or None.
    pub(super) fn build_tool(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        if let Some(o) = self.package_manager(name, argv) {
            return Some(o);
        }
        if matches!(name, "make" | "gmake") {
            self.make_recipes(&argv[1..]);
        }
        if !PROJECT_TOOLS.contains(&name) {
            return None;
        }
        let args = &argv[1..];
        let ops: Vec<&str> = args
            .iter()
            .filter(|w| !w.text.starts_with('-'))
            .map(|w| w.text.as_str())
            .collect();
        if matches!(
            name,
            "rake"
                | "rails"
                | "bin/rails"
                | "django-admin"
                | "prisma"
                | "drizzle-kit"
                | "alembic"
                | "knex"
                | "sequelize"
                | "typeorm"
                | "diesel"
                | "sqlx"
                | "goose"
                | "migrate"
                | "dbmate"
                | "flyway"
                | "liquibase"
                | "atlas"
        ) {
            let destroy = ops.iter().any(|o| DB_DESTROY.contains(o))
                || args
                    .iter()
                    .any(|w| w.text == "--force-reset" || w.text == "--accept-data-loss");
            if destroy {
                let msg = format!("`{name} {}` drops or resets database data", ops.join(" "));
                self.hazard(
                    "database",
                    Severity::Destructive,
                    rules::DATABASE,
                    msg.clone(),
                );
                return Some(Own::with(Severity::Destructive, rules::DATABASE, msg));
            }
            if ops.iter().any(|o| {
                o.contains("migrate")
                    || o.contains("push")
                    || o.contains("deploy")
                    || o.contains("seed")
                    || o.contains("up")
            }) {
                return Some(Own::unknown(format!(
                    "`{name} {}` changes a database schema or data",
                    clip(&ops.join(" "))
                )));
            }
        }
        if let Some(dir) = args
            .iter()
            .position(|w| w.text == "-C" || w.text == "--directory")
            .and_then(|i| args.get(i + 1))
        {
            let loc = self.resolve(dir);
            if !matches!(
                place(&loc.path, &self.root, self.home.as_deref()),
                Place::Project { .. }
            ) {
                return Some(Own::unknown(format!(
                    "`{name} -C` builds outside the project"
                )));
            }
        }
        if ops.iter().any(|o| OUTWARD.contains(o)) {
            return Some(Own::unknown(format!(
                "`{name} {}` reaches beyond the project",
                clip(&ops.join(" "))
            )));
        }
        if name == "pre-commit"
            && ops
                .first()
                .is_some_and(|o| *o == "install" || *o == "uninstall")
        {
            return Some(Own::with(
                Severity::Unknown,
                rules::WRITE_SENSITIVE,
                "`pre-commit install` replaces git hooks",
            ));
        }
        if matches!(name, "uvicorn" | "gunicorn" | "hypercorn" | "flask")
            || ops
                .iter()
                .any(|o| matches!(*o, "serve" | "runserver" | "dev" | "start" | "preview"))
                && matches!(
                    name,
                    "next"
                        | "nuxt"
                        | "astro"
                        | "vite"
                        | "hugo"
                        | "jekyll"
                        | "mkdocs"
                        | "rails"
                        | "django-admin"
                        | "ng"
                )
        {
            return Some(Own::project(format!("`{name}` runs a development server")));
        }
        for w in args
            .iter()
            .enumerate()
            .filter(|(_, w)| w.text == "-o")
            .filter_map(|(i, _)| args.get(i + 1))
            .cloned()
            .collect::<Vec<_>>()
        {
            let loc = self.resolve(&w);
            self.write_effect(&loc, &format!("`{name}` writes"), None);
        }
        Some(Own::project(format!(
            "`{name}` builds, tests, formats or lints the project"
        )))
    }

    /// Package managers and their script runners.
    pub(crate) fn package_manager(&mut self, name: &str, argv: &[Word]) -> Option<Own> {
        let args = &argv[1..];
        Some(match name {
            "npm" | "pnpm" | "yarn" | "bun" | "cnpm" => self.node_pm(name, args),
            "npx" | "pnpx" | "bunx" => self.npx(name, args),
            "pip" | "pip3" | "pipx" => self.pip(name, args),
            "uv" => self.uv(args),
            "uvx" => self.package(
                name,
                "`uvx` runs a package fetched from PyPI",
                Some("pypi.org"),
            ),
            "poetry" | "pipenv" | "pdm" | "hatch" | "rye" => self.py_project(name, args),
            "conda" | "mamba" | "micromamba" => match args.first().map(|w| w.text.as_str()) {
                Some("run") => {
                    let rest: Vec<Word> = args
                        .iter()
                        .skip(1)
                        .skip_while(|w| w.text.starts_with('-') || w.text == "-n")
                        .cloned()
                        .collect();
                    self.run_inner(name, &rest)
                }
                Some("list" | "info" | "search" | "--version" | "env")
                    if !args
                        .iter()
                        .any(|w| w.text == "remove" || w.text == "create") =>
                {
                    Own::ro(format!("`{name}` lists environments or packages"))
                }
                Some("remove" | "uninstall" | "clean") => {
                    Own::unknown(format!("`{name}` removes packages or environments"))
                }
                _ => self.package(
                    name,
                    &format!("`{name}` installs packages"),
                    Some("conda.anaconda.org"),
                ),
            },
            "cargo" => self.cargo(args),
            "go" => self.go(args),
            "rustup" => match args
                .iter()
                .find(|w| !w.text.starts_with('-'))
                .map(|w| w.text.as_str())
            {
                Some("show" | "which" | "help" | "doc" | "run") | None => {
                    if args.first().is_some_and(|w| w.text == "run") {
                        let rest: Vec<Word> = args.iter().skip(2).cloned().collect();
                        return Some(self.run_inner(name, &rest));
                    }
                    Own::ro("`rustup` shows toolchains")
                }
                Some("toolchain" | "target" | "component")
                    if args.iter().any(|w| w.text == "list") =>
                {
                    Own::ro("`rustup` lists toolchains")
                }
                _ => self.package(
                    name,
                    "`rustup` installs or changes toolchains",
                    Some("static.rust-lang.org"),
                ),
            },
            "gem" => match args.first().map(|w| w.text.as_str()) {
                Some(
                    "list" | "search" | "info" | "contents" | "env" | "which" | "--version"
                    | "help" | "query" | "specification",
                ) => Own::ro("`gem` lists gems"),
                _ => self.package(name, "`gem` installs or removes gems", Some("rubygems.org")),
            },
            "bundle" | "bundler" => match args.first().map(|w| w.text.as_str()) {
                Some("exec") => self.run_inner(name, &args[1..]),
                Some("add" | "inject") => self.package(
                    name,
                    "`bundle add` adds a new dependency",
                    Some("rubygems.org"),
                ),
                Some(
                    "install" | "update" | "lock" | "check" | "list" | "show" | "outdated"
                    | "config" | "binstubs" | "clean",
                )
                | None => Own::project("`bundle` installs the project's locked gems"),
                _ => Own::unknown("`bundle`"),
            },
            "composer" => match args.first().map(|w| w.text.as_str()) {
                Some("require" | "global" | "create-project") => self.package(
                    name,
                    "`composer require` adds a new dependency",
                    Some("packagist.org"),
                ),
                Some(
                    "install"
                    | "update"
                    | "dump-autoload"
                    | "dumpautoload"
                    | "validate"
                    | "show"
                    | "outdated"
                    | "test"
                    | "run-script"
                    | "run"
                    | "check-platform-reqs"
                    | "audit"
                    | "licenses",
                )
                | None => Own::project("`composer` works on the project's dependencies"),
                Some("exec") => self.run_inner(name, &args[1..]),
                _ => Own::project("`composer` runs a project script"),
            },
            "apt" | "apt-get" | "aptitude" | "dnf" | "yum" | "zypper" | "apk" | "pacman"
            | "yay" | "paru" | "brew" | "port" | "snap" | "flatpak" | "choco" | "winget"
            | "scoop" | "nix-env" | "pkg" | "emerge" | "xbps-install" | "dpkg" | "rpm" => {
                self.system_pm(name, args)
            }
            _ => return None,
        })
    }

    fn run_inner(&mut self, wrapper: &str, inner: &[Word]) -> Own {
        if inner.is_empty() {
            return Own::project(format!("`{wrapper}` without a command"));
        }
        self.wrap_depth += 1;
        self.run(inner);
        self.wrap_depth -= 1;
        Own::wrapper(format!(
            "`{wrapper}` runs `{}` in the project environment; analysed",
            clip(&inner[0].text)
        ))
    }

    /// Installing or publishing packages: new code from a registry.
    fn package(&mut self, _name: &str, msg: &str, host: Option<&str>) -> Own {
        if let Some(h) = host {
            self.url_effect(
                &format!("https://{h}/"),
                "GET",
                false,
                "downloads packages from",
            );
        }
        Own::with(
            Severity::Unknown,
            rules::PACKAGE,
            format!("{msg}; a person confirms the package"),
        )
    }

    fn node_pm(&mut self, name: &str, args: &[Word]) -> Own {
        let registry = "registry.npmjs.org";
        let mut i = 0;
        while i < args.len() && args[i].text.starts_with('-') {
            let t = args[i].text.as_str();
            if matches!(t, "-v" | "--version" | "-h" | "--help") {
                return Own::ro(format!("`{name}` prints its version or help"));
            }
            i += if matches!(
                t,
                "-C" | "--dir" | "--prefix" | "--cwd" | "-w" | "--workspace" | "--filter" | "-F"
            ) {
                2
            } else {
                1
            };
        }
        let global = args
            .iter()
            .any(|w| matches!(w.text.as_str(), "-g" | "--global" | "--location=global"));
        let Some(sub) = args.get(i).map(|w| w.text.clone()) else {
            // `yarn` / `pnpm` alone install the locked dependencies.
            if name == "yarn" || name == "pnpm" || name == "bun" {
                self.url_effect(
                    &format!("https://{registry}/"),
                    "GET",
                    false,
                    "downloads packages from",
                );
                return Own::project(format!("`{name}` installs the project's dependencies"));
            }
            return Own::ro(format!("`{name}` prints help"));
        };
        let rest = &args[i + 1..];
        let pkgs: Vec<&Word> = rest.iter().filter(|w| !w.text.starts_with('-')).collect();
        match sub.as_str() {
            "test" | "t" | "tst" | "run" | "run-script" | "rum" | "urn" | "start" | "stop"
            | "restart" | "build" | "lint" | "dev" | "serve" | "format" | "typecheck" | "check"
            | "watch" | "preview" | "storybook" | "e2e" | "coverage" | "bench" => {
                let script = if matches!(sub.as_str(), "run" | "run-script" | "rum" | "urn") {
                    pkgs.first().map(|w| w.text.clone())
                } else {
                    Some(match sub.as_str() {
                        "t" | "tst" => "test".to_string(),
                        _ => sub.clone(),
                    })
                };
                if let Some(script) = &script {
                    self.package_script(name, script);
                }
                if (sub == "run" || sub == "run-script")
                    && let Some(script) = pkgs.first()
                    && (OUTWARD.iter().any(|o| script.text.contains(o))
                        || script.text.contains("deploy"))
                {
                    return Own::unknown(format!(
                        "`{name} run {}` looks like it reaches beyond the project",
                        clip(&script.text)
                    ));
                }
                Own::project(format!("`{name} {sub}` runs a project script"))
            }
            "install" | "i" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "isntall"
            | "add" | "ci" | "clean-install" | "install-clean" | "ic" | "install-ci-test"
            | "it" | "install-test" => {
                if global {
                    return self.package(
                        name,
                        &format!("`{name} {sub} -g` installs packages globally"),
                        Some(registry),
                    );
                }
                let real: Vec<&&Word> = pkgs.iter().filter(|w| !w.text.is_empty()).collect();
                for p in &real {
                    let t = p.text.as_str();
                    if t.contains("://") || t.starts_with("git+") || t.starts_with("github:") {
                        let url = t.trim_start_matches("git+");
                        let url = if let Some(r) = url.strip_prefix("github:") {
                            format!("https://github.com/{r}")
                        } else {
                            url.to_string()
                        };
                        self.url_effect(&url, "GET", false, "downloads a package from");
                    }
                }
                if real.is_empty() && sub != "add" {
                    self.url_effect(
                        &format!("https://{registry}/"),
                        "GET",
                        false,
                        "downloads packages from",
                    );
                    Own::project(format!(
                        "`{name} {sub}` installs the project's locked dependencies"
                    ))
                } else {
                    self.package(
                        name,
                        &format!(
                            "`{name} {sub}` adds new dependencies ({})",
                            clip(
                                &real
                                    .iter()
                                    .map(|w| w.text.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            )
                        ),
                        Some(registry),
                    )
                }
            }
            "uninstall" | "remove" | "rm" | "r" | "un" | "unlink" | "prune" | "dedupe" | "ddp"
            | "update" | "up" | "upgrade" | "rebuild" | "rb" | "pack" | "init" | "create"
            | "version" | "import" | "patch" | "patch-commit" => {
                if global {
                    return Own::unknown(format!("`{name} {sub} -g` changes global packages"));
                }
                if sub == "create" || sub == "init" && !pkgs.is_empty() {
                    return self.package(
                        name,
                        &format!(
                            "`{name} {sub}` runs a package initialiser fetched from the registry"
                        ),
                        Some(registry),
                    );
                }
                if sub == "version" && pkgs.is_empty() {
                    return Own::ro(format!("`{name} version` prints versions"));
                }
                Own::project(format!("`{name} {sub}` changes the project's dependencies"))
            }
            "ls" | "list" | "ll" | "la" | "outdated" | "view" | "v" | "info" | "show"
            | "search" | "s" | "se" | "find" | "help" | "audit" | "fund" | "explain" | "why"
            | "doctor" | "root" | "prefix" | "bin" | "docs" | "home" | "repo" | "bugs"
            | "query" | "licenses" | "config" | "get" | "c" | "whoami" | "ping" | "store"
            | "cache" | "pkg" | "exec-env" | "dlx-info" | "workspaces" | "workspace" => {
                if sub == "audit" && rest.iter().any(|w| w.text == "fix") {
                    return Own::project(format!("`{name} audit fix` updates dependencies"));
                }
                if (sub == "config" || sub == "c" || sub == "pkg")
                    && rest
                        .iter()
                        .any(|w| matches!(w.text.as_str(), "set" | "delete" | "edit" | "fix"))
                {
                    return Own::unknown(format!("`{name} {sub}` changes configuration"));
                }
                if sub == "cache"
                    && rest
                        .iter()
                        .any(|w| matches!(w.text.as_str(), "clean" | "clear" | "rm" | "prune"))
                {
                    return Own::unknown(format!("`{name} cache clean` deletes the package cache"));
                }
                if (sub == "workspace" || sub == "workspaces") && !rest.is_empty() {
                    return Own::project(format!("`{name} {sub}` runs a workspace script"));
                }
                if sub == "store" && rest.iter().any(|w| w.text == "prune") {
                    return Own::unknown(format!("`{name} store prune` deletes cached packages"));
                }
                Own::ro(format!("`{name} {sub}` only reads"))
            }
            "exec" | "x" | "dlx" => {
                let inner: Vec<Word> = rest
                    .iter()
                    .skip_while(|w| w.text.starts_with('-'))
                    .cloned()
                    .collect();
                if sub == "dlx" || name == "bun" && sub == "x" {
                    return self.package(
                        name,
                        &format!("`{name} {sub}` runs a package fetched from the registry"),
                        Some(registry),
                    );
                }
                self.npx(name, &inner)
            }
            "publish" | "unpublish" | "deprecate" | "dist-tag" | "owner" | "access" | "team"
            | "token" | "adduser" | "login" | "logout" | "star" | "link" | "ln" | "set-script"
            | "hook" | "org" | "npm" | "set" => {
                if sub == "unpublish" {
                    return Own::with(
                        Severity::Destructive,
                        rules::PACKAGE,
                        format!("`{name} unpublish` removes a published package"),
                    );
                }
                if sub == "publish" {
                    self.url_effect(
                        &format!("https://{registry}/"),
                        "PUT",
                        true,
                        "publishes a package to",
                    );
                }
                Own::with(
                    Severity::Unknown,
                    rules::PACKAGE,
                    format!("`{name} {sub}` publishes or changes registry state"),
                )
            }
            _ if name == "npm" => {
                Own::unknown(format!("`npm {}` is not a known npm command", clip(&sub)))
            }
            // `yarn foo`, `pnpm foo`, `bun foo`: a package.json script or a binary.
            _ => {
                if name == "bun"
                    && (sub.ends_with(".ts")
                        || sub.ends_with(".js")
                        || sub.ends_with(".tsx")
                        || sub.ends_with(".mjs"))
                {
                    let w = args[i].clone();
                    return self.interpreter_script_public("node", &w);
                }
                self.package_script(name, &sub);
                if OUTWARD.iter().any(|o| sub.contains(o)) || sub.contains("deploy") {
                    return Own::unknown(format!(
                        "`{name} {}` looks like it reaches beyond the project",
                        clip(&sub)
                    ));
                }
                Own::project(format!("`{name} {}` runs a project script", clip(&sub)))
            }
        }
    }

    /// Analyses the package.json script `script` (with its `pre` and `post` hooks) that
    /// `{name} run SCRIPT` runs, from the nearest package.json at or above the working
    /// directory inside the project. Programs the script names that Warden does not know
    /// are taken as the project's own tools (`node_modules/.bin`); everything else is judged
    /// as if typed (`"clean": "rm -rf ~"` is `rm -rf ~`).
    fn package_script(&mut self, name: &str, script: &str) {
        let Some(cwd) = self.state.cwd.clone() else {
            return;
        };
        let root = self.root.clone();
        let env = self.ctx.env;
        let found = cwd
            .ancestors()
            .take_while(|dir| dir.starts_with(&root))
            .find_map(|dir| env.read_script(&dir.join("package.json")));
        let Some(text) = found else {
            return;
        };
        let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
            self.unseen(format!(
                "`{name}` runs a script from a package.json Warden cannot parse"
            ));
            return;
        };
        let scripts = &manifest["scripts"];
        for key in [
            format!("pre{script}"),
            script.to_string(),
            format!("post{script}"),
        ] {
            let Some(code) = scripts[key.as_str()].as_str() else {
                continue;
            };
            self.project_script(code, &format!("`{name} run {key}` (package.json)"));
        }
    }

    /// Analyses one line of the project's own scripts (a package.json script, a makefile
    /// recipe) as if typed, except that programs Warden does not know, and script files it
    /// cannot read (`node server.js`), are taken as the project's own tools and code: not
    /// provable, but no more unknown than the project itself.
    pub(super) fn project_script(&mut self, code: &str, what: &str) {
        let outer = std::mem::replace(&mut self.in_project_script, true);
        let first = self.effects.len();
        self.code_string(&Word::lit(code), Sub::Child, what);
        self.in_project_script = outer;
        for effect in &mut self.effects[first..] {
            if effect.rule.as_str() == rules::SCRIPT && effect.severity == Severity::Unknown {
                effect.severity = Severity::LocalWrite;
            }
        }
    }

    fn npx(&mut self, name: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "pc",
                long: &["package", "call"],
                stop_at_operand: true,
            },
        );
        if let Some(code) = p.value(Some('c'), "call").cloned() {
            self.code_string(&code, Sub::Child, &format!("`{name} -c`"));
            return Own::wrapper(format!("`{name} -c` runs shell code; analysed"));
        }
        let inner = &args[p.rest..];
        let Some(tool) = inner.first() else {
            return Own::unknown(format!("`{name}` without a command"));
        };
        let explicit_pkg = p.has('p', "package") || p.has('y', "yes");
        let bare = tool.text.split('@').next().unwrap_or("");
        let versioned =
            tool.text.contains('@') && !tool.text.starts_with('@') || tool.text[1..].contains('@');
        if !explicit_pkg
            && !versioned
            && (PROJECT_TOOLS.contains(&bare)
                || matches!(bare, "tsc" | "eslint" | "prettier" | "jest" | "vitest"))
        {
            return self.run_inner(name, inner);
        }
        self.package(
            name,
            &format!(
                "`{name} {}` runs a package that may be downloaded from the registry",
                clip(&tool.text)
            ),
            Some("registry.npmjs.org"),
        )
    }

    fn pip(&mut self, name: &str, args: &[Word]) -> Own {
        let p = opts::parse(
            args,
            Spec {
                short: "rceitf",
                long: &[
                    "requirement",
                    "constraint",
                    "editable",
                    "index-url",
                    "extra-index-url",
                    "target",
                    "find-links",
                    "prefix",
                    "root",
                    "src",
                    "upgrade-strategy",
                    "python",
                    "platform",
                    "python-version",
                    "implementation",
                    "abi",
                    "report",
                    "log",
                    "cache-dir",
                    "proxy",
                    "cert",
                    "client-cert",
                    "trusted-host",
                    "timeout",
                    "retries",
                    "exists-action",
                    "progress-bar",
                    "no-binary",
                    "only-binary",
                    "config-settings",
                    "global-option",
                    "build-option",
                ],
                stop_at_operand: false,
            },
        );
        let ops = p.operands();
        let sub = ops.first().map(|w| w.text.clone()).unwrap_or_default();
        if name == "pipx" {
            return match sub.as_str() {
                "list" | "environment" | "--version" => Own::ro("`pipx list`"),
                "run" => self.package(
                    name,
                    "`pipx run` runs a package fetched from PyPI",
                    Some("pypi.org"),
                ),
                _ => self.package(
                    name,
                    "`pipx` installs applications globally",
                    Some("pypi.org"),
                ),
            };
        }
        for u in p
            .values(Some('i'), "index-url")
            .into_iter()
            .chain(p.values(None, "extra-index-url"))
            .chain(p.values(Some('f'), "find-links"))
            .cloned()
            .collect::<Vec<_>>()
        {
            if u.text.contains("://") {
                self.url_effect(&u.text, "GET", false, "downloads packages from");
            }
        }
        match sub.as_str() {
            "install" | "download" | "wheel" => {
                let reqs: Vec<Word> = p
                    .values(Some('r'), "requirement")
                    .into_iter()
                    .chain(p.values(Some('c'), "constraint"))
                    .cloned()
                    .collect();
                for r in &reqs {
                    let loc = self.resolve(r);
                    self.read_effect(&loc, "reads requirements from");
                }
                let editable: Vec<Word> = p
                    .values(Some('e'), "editable")
                    .into_iter()
                    .cloned()
                    .collect();
                let pkgs: Vec<&Word> = ops[1..].to_vec();
                let mut remote = false;
                for w in pkgs
                    .iter()
                    .chain(editable.iter().collect::<Vec<_>>().iter())
                {
                    let t = w.text.trim_start_matches("git+");
                    if t.contains("://") {
                        remote = true;
                        let url = t.split('#').next().unwrap_or(t).to_string();
                        self.url_effect(&url, "GET", false, "downloads a package from");
                    }
                }
                let local_only = pkgs.iter().all(|w| {
                    w.text == "."
                        || w.text.starts_with("./")
                        || w.text.starts_with("..")
                        || w.text.ends_with(".whl") && !w.text.contains("://")
                        || w.text.starts_with("-")
                }) && editable
                    .iter()
                    .all(|w| w.text == "." || w.text.starts_with("./") || w.text.starts_with(".."));
                let user_or_system = p.has_long("user")
                    || p.has_long("break-system-packages")
                    || p.has_long("target")
                    || p.has_long("prefix")
                    || p.has_long("root");
                self.url_effect("https://pypi.org/", "GET", false, "downloads packages from");
                if remote {
                    return Own::with(
                        Severity::Unknown,
                        rules::PACKAGE,
                        format!("`{name} install` of a package from a URL"),
                    );
                }
                if local_only && !user_or_system {
                    Own::project(format!(
                        "`{name} install` of the project's own requirements"
                    ))
                } else {
                    Own::with(
                        Severity::Unknown,
                        rules::PACKAGE,
                        format!(
                            "`{name} install` adds packages ({}); a person confirms the names",
                            clip(
                                &pkgs
                                    .iter()
                                    .map(|w| w.text.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            )
                        ),
                    )
                }
            }
            "uninstall" => Own::unknown(format!("`{name} uninstall` removes packages")),
            "list" | "show" | "freeze" | "check" | "help" | "index" | "inspect" | "debug"
            | "hash" | "search" | "" => Own::ro(format!("`{name} {sub}` only reads")),
            "cache"
                if ops
                    .get(1)
                    .is_some_and(|w| matches!(w.text.as_str(), "list" | "info" | "dir")) =>
            {
                Own::ro("`pip cache` lists")
            }
            _ => Own::unknown(format!("`{name} {}`", clip(&sub))),
        }
    }

    fn uv(&mut self, args: &[Word]) -> Own {
        let sub = args
            .iter()
            .find(|w| !w.text.starts_with('-'))
            .map(|w| w.text.clone())
            .unwrap_or_default();
        let pos = args.iter().position(|w| w.text == sub).unwrap_or(0);
        let rest = &args[(pos + 1).min(args.len())..];
        match sub.as_str() {
            "run" => {
                if rest
                    .iter()
                    .any(|w| w.text == "--with" || w.text.starts_with("--with="))
                {
                    self.package("uv", "`uv run --with` adds packages", Some("pypi.org"));
                }
                let mut j = 0;
                while j < rest.len() && rest[j].text.starts_with('-') {
                    j += if matches!(
                        rest[j].text.as_str(),
                        "--with"
                            | "--python"
                            | "-p"
                            | "--package"
                            | "--env-file"
                            | "--directory"
                            | "--project"
                            | "--group"
                            | "--extra"
                            | "--index"
                    ) {
                        2
                    } else {
                        1
                    };
                }
                let inner: Vec<Word> = rest.get(j..).unwrap_or(&[]).to_vec();
                if inner.first().is_some_and(|w| w.text.ends_with(".py")) {
                    let mut argv = vec![Word::lit("python")];
                    argv.extend(inner);
                    return self.run_inner("uv run", &argv);
                }
                self.run_inner("uv run", &inner)
            }
            "pip" => {
                let mut argv = vec![Word::lit("pip")];
                argv.extend(rest.iter().cloned());
                self.run_inner("uv pip", &argv)
            }
            "sync" | "lock" | "venv" | "build" | "init" | "export" | "tree" | "remove"
            | "format" => Own::project(format!("`uv {sub}` works on the project")),
            "add" | "tool" | "python" | "publish" | "self" => self.package(
                "uv",
                &format!("`uv {sub}` installs packages, tools or interpreters"),
                Some("pypi.org"),
            ),
            "cache" => Own::unknown("`uv cache` changes the global cache"),
            "version" | "help" | "--version" | "" => Own::ro("`uv` prints information"),
            _ => Own::unknown(format!("`uv {}`", clip(&sub))),
        }
    }

    fn py_project(&mut self, name: &str, args: &[Word]) -> Own {
        let sub = args.first().map(|w| w.text.clone()).unwrap_or_default();
        match sub.as_str() {
            "run" => self.run_inner(name, &args[1..]),
            "install" | "sync" | "lock" | "update" | "build" | "check" | "show" | "env"
            | "init" | "new" | "version" | "shell" | "graph" | "requirements" | "clean"
            | "test" | "fmt" => {
                if sub == "install"
                    && name == "pipenv"
                    && args.len() > 1
                    && args[1..].iter().any(|w| !w.text.starts_with('-'))
                {
                    return self.package(
                        name,
                        "`pipenv install` adds new dependencies",
                        Some("pypi.org"),
                    );
                }
                Own::project(format!("`{name} {sub}` works on the project's environment"))
            }
            "add" => self.package(
                name,
                &format!("`{name} add` adds new dependencies"),
                Some("pypi.org"),
            ),
            "publish" => Own::with(
                Severity::Unknown,
                rules::PACKAGE,
                format!("`{name} publish` uploads a package"),
            ),
            "remove" | "uninstall" => Own::project(format!("`{name} {sub}` removes dependencies")),
            "--version" | "help" | "list" | "search" => {
                Own::ro(format!("`{name}` prints information"))
            }
            _ => Own::unknown(format!("`{name} {}`", clip(&sub))),
        }
    }

    fn cargo(&mut self, args: &[Word]) -> Own {
        let mut i = 0;
        let mut risky_config = false;
        while i < args.len() {
            let t = args[i].text.as_str();
            if t.starts_with('+') {
                i += 1;
                continue;
            }
            if t == "--config" || t == "-Z" || t.starts_with("--config=") {
                risky_config = true;
                i += if t.contains('=') { 1 } else { 2 };
                continue;
            }
            if t == "-C" || t == "--manifest-path" || t == "--color" {
                i += 2;
                continue;
            }
            if matches!(t, "--version" | "-V" | "--help" | "-h" | "--list") {
                return Own::ro("`cargo` prints information");
            }
            if t.starts_with('-') {
                i += 1;
                continue;
            }
            break;
        }
        let sub = args.get(i).map(|w| w.text.clone()).unwrap_or_default();
        let rest = args.get(i + 1..).unwrap_or(&[]);
        if risky_config {
            return Own::unknown("`cargo --config` can set runners and wrappers that run programs");
        }
        match sub.as_str() {
            "build" | "b" | "check" | "c" | "test" | "t" | "clippy" | "fmt" | "run" | "r"
            | "bench" | "doc" | "d" | "fix" | "nextest" | "llvm-cov" | "tarpaulin" | "miri"
            | "fuzz" | "xtask" | "insta" | "expand" | "udeps" | "deny" | "audit" | "outdated"
            | "machete" | "hack" | "make" | "criterion" | "generate-lockfile" | "update"
            | "fetch" | "vendor" | "package" | "new" | "init" | "remove" | "rm" | "sort"
            | "semver-checks" | "release-plz" | "about" | "msrv" | "bloat" | "asm" | "mutants"
            | "zigbuild" | "leptos" | "tauri" | "component" | "dist" => {
                if sub == "run" || sub == "r" {
                    return Own::project("`cargo run` builds and runs the project's own program");
                }
                if sub == "dist"
                    && rest
                        .iter()
                        .any(|w| w.text == "publish" || w.text == "upload")
                {
                    return Own::with(
                        Severity::Unknown,
                        rules::PACKAGE,
                        "publishes release artefacts",
                    );
                }
                Own::project(format!("`cargo {sub}` builds, tests or checks the project"))
            }
            "clean" => {
                let target = Word::lit("target");
                let loc = self.resolve(&target);
                self.delete_effect(&loc, true, "`cargo clean` deletes");
                Own::project("`cargo clean` deletes build output")
            }
            "tree" | "metadata" | "search" | "info" | "verify-project" | "locate-project"
            | "pkgid" | "version" | "help" | "read-manifest" | "report" | "config" => {
                Own::ro(format!("`cargo {sub}` only reads"))
            }
            "add" => self.package(
                "cargo",
                "`cargo add` adds a new dependency",
                Some("index.crates.io"),
            ),
            "install" | "binstall" => self.package(
                "cargo",
                "`cargo install` installs a program globally",
                Some("index.crates.io"),
            ),
            "uninstall" => Own::unknown("`cargo uninstall` removes an installed program"),
            "publish" | "yank" | "owner" | "login" | "logout" => {
                if sub == "publish" {
                    self.url_effect("https://crates.io/", "PUT", true, "publishes to");
                }
                Own::with(
                    Severity::Unknown,
                    rules::PACKAGE,
                    format!("`cargo {sub}` changes crates.io"),
                )
            }
            "watch" => {
                for (k, w) in rest.iter().enumerate() {
                    if (w.text == "-s" || w.text == "--shell")
                        && let Some(c) = rest.get(k + 1).cloned()
                    {
                        self.code_string(&c, Sub::Child, "`cargo watch -s`");
                    }
                    if (w.text == "-x" || w.text == "--exec")
                        && let Some(c) = rest.get(k + 1)
                    {
                        let mut argv = vec![Word::lit("cargo")];
                        argv.extend(
                            crate::word::split_simple(&c.text)
                                .into_iter()
                                .map(Word::lit),
                        );
                        self.run(&argv);
                    }
                }
                Own::project("`cargo watch` reruns commands; analysed")
            }
            "" => Own::ro("`cargo` prints help"),
            _ => Own::unknown(format!(
                "`cargo {}` is an external subcommand Warden does not know",
                clip(&sub)
            )),
        }
    }

    fn go(&mut self, args: &[Word]) -> Own {
        let sub = args.first().map(|w| w.text.clone()).unwrap_or_default();
        let rest = args.get(1..).unwrap_or(&[]);
        match sub.as_str() {
            "build" | "test" | "vet" | "fmt" | "run" | "generate" | "mod" | "work" | "fix"
            | "tool" => {
                if sub == "mod"
                    && rest
                        .first()
                        .is_some_and(|w| matches!(w.text.as_str(), "download" | "tidy"))
                {
                    self.url_effect(
                        "https://proxy.golang.org/",
                        "GET",
                        false,
                        "downloads modules from",
                    );
                }
                if rest.iter().any(|w| {
                    w.text == "-toolexec"
                        || w.text.starts_with("-toolexec=")
                        || w.text == "-exec"
                        || w.text.starts_with("-exec=")
                }) {
                    return Own::unknown(format!(
                        "`go {sub} -toolexec/-exec` runs another program"
                    ));
                }
                Own::project(format!("`go {sub}` works on the project"))
            }
            "list" | "version" | "doc" | "help" | "" => Own::ro(format!("`go {sub}` only reads")),
            "env" => {
                if rest.iter().any(|w| w.text == "-w" || w.text == "-u") {
                    Own::unknown("`go env -w` changes Go's global configuration")
                } else {
                    Own::ro("`go env` prints the environment")
                }
            }
            "clean" => {
                if rest.iter().any(|w| {
                    w.text.starts_with("-cache")
                        || w.text.starts_with("-modcache")
                        || w.text.starts_with("-testcache")
                        || w.text.starts_with("-fuzzcache")
                }) {
                    Own::unknown("`go clean -cache` deletes global caches")
                } else {
                    Own::project("`go clean` deletes build output")
                }
            }
            "get" | "install" => {
                for w in rest.iter().filter(|w| !w.text.starts_with('-')) {
                    let host = w.text.split('/').next().unwrap_or("");
                    if host.contains('.') {
                        let u = format!("https://{}", w.text.split('@').next().unwrap_or(""));
                        self.url_effect(&u, "GET", false, "downloads a module from");
                    }
                }
                Own::with(
                    Severity::Unknown,
                    rules::PACKAGE,
                    format!("`go {sub}` adds or installs modules"),
                )
            }
            _ => Own::unknown(format!("`go {}`", clip(&sub))),
        }
    }

    fn system_pm(&mut self, name: &str, args: &[Word]) -> Own {
        let words: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
        let sub = words
            .iter()
            .find(|w| !w.starts_with('-'))
            .copied()
            .unwrap_or("");
        let read = matches!(
            sub,
            "list"
                | "search"
                | "show"
                | "info"
                | "policy"
                | "depends"
                | "rdepends"
                | "madison"
                | "query"
                | "which"
                | "deps"
                | "desc"
                | "outdated"
                | "leaves"
                | "doctor"
                | "config"
                | "--version"
                | "help"
                | "home"
                | "cat"
                | "uses"
                | "provides"
                | "whatprovides"
                | "repolist"
                | "history"
                | "check-update"
                | "-l"
                | "-q"
                | "-qa"
                | "-L"
                | "-s"
        ) || (name == "pacman" || name == "yay" || name == "paru")
            && words
                .iter()
                .any(|w| w.starts_with("-Q") || w.starts_with("-Ss") || w.starts_with("-Si"))
            || name == "dpkg"
                && words.iter().any(|w| {
                    matches!(
                        *w,
                        "-l" | "-L"
                            | "-s"
                            | "-S"
                            | "--list"
                            | "--status"
                            | "--search"
                            | "--listfiles"
                            | "-p"
                            | "--print-architecture"
                    )
                })
            || name == "rpm" && words.iter().any(|w| w.starts_with("-q"));
        if read || words.is_empty() {
            return Own::ro(format!("`{name}` only queries packages"));
        }
        let removing = matches!(
            sub,
            "remove"
                | "purge"
                | "autoremove"
                | "erase"
                | "uninstall"
                | "del"
                | "rm"
                | "zap"
                | "clean"
        ) || words.iter().any(|w| {
            w.starts_with("-R")
                || *w == "-e"
                || *w == "--erase"
                || *w == "-r" && name == "dpkg"
                || *w == "-P" && name == "dpkg"
        });
        if removing {
            let msg = format!("`{name}` removes system packages, which can break the system");
            self.hazard("system", Severity::Destructive, rules::SYSTEM, msg.clone());
            return Own::with(Severity::Destructive, rules::SYSTEM, msg);
        }
        self.package(
            name,
            &format!("`{name}` installs or upgrades system packages"),
            None,
        )
    }

    /// Public wrapper for running a JS/TS file with the interpreter rules.
    fn interpreter_script_public(&mut self, lang: &'static str, file: &Word) -> Own {
        let argv = vec![
            Word::lit(if lang == "node" { "node" } else { lang }),
            file.clone(),
        ];
        self.run_inner("bun", &argv)
    }
}
