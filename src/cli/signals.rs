//! SIGINT, SIGTERM and SIGHUP while writing: remove this run's temporary directories (putting
//! back an output a commit had moved aside) and exit with 128 + the signal number, as a shell
//! reports a killed command. A commit in progress finishes first (see `output::abandon_all`).

use std::sync::Once;

/// Install the handler once per process; commands that write call it before staging.
pub(crate) fn clean_up_on_signals() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    crate::output::abandon_all();
                    std::process::exit(128 + signal);
                }
            });
        }
    });
}
