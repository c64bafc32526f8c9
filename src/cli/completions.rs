//! `newsbundle completions SHELL` and `newsbundle man`: the command line described for shells
//! (clap_complete) and for `man` (clap_mangen), both generated from the clap definitions, so
//! they cannot drift from them.

use std::io::{self, Write};

use clap::CommandFactory;

use super::{finish_output, Cli, CliError, Outcome};

pub(crate) fn completions(shell: clap_complete::Shell) -> Result<Outcome, CliError> {
    let mut command = Cli::command();
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut script);
    let mut out = io::stdout().lock();
    finish_output(
        out.write_all(&script).and_then(|()| out.flush()),
        Outcome::Clean,
    )
}

/// newsbundle(1), whose SUBCOMMANDS section names the pages of the commands, or one of those
/// pages (newsbundle-lint(1)) with the command's options.
pub(crate) fn man_page(name: Option<&str>) -> Result<Outcome, CliError> {
    let mut root = Cli::command();
    // Gives every subcommand its full name (`newsbundle lint`, page `newsbundle-lint`).
    root.build();
    let command = match name {
        None => root,
        Some(name) => match root.find_subcommand(name) {
            Some(command) => command.clone(),
            None => {
                let known: Vec<&str> = root
                    .get_subcommands()
                    .map(|command| command.get_name())
                    .collect();
                return Err(CliError::Usage(format!(
                    "no command \"{name}\" has a manual page (one of: {})",
                    known.join(", ")
                )));
            }
        },
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .source(format!("newsbundle {}", env!("CARGO_PKG_VERSION")))
        .render(&mut page)
        .map_err(CliError::Output)?;
    let mut out = io::stdout().lock();
    finish_output(
        out.write_all(&page).and_then(|()| out.flush()),
        Outcome::Clean,
    )
}
