//! Trace-level log capture for tests that check what a collector logs (a token must never appear).
//!
//! A scoped subscriber (`tracing::subscriber::set_default`) is not enough when other tests of the
//! same binary run on other threads: a callsite first reached there can be cached as disabled
//! while the scoped subscriber is being registered, and the capture then silently misses events.
//! So the capture installs one process-wide subscriber, once, whose filter is evaluated on every
//! event and only lets events through while a [`LogCapture`] is alive.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static BUFFER: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

/// Errors starting a capture.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// Another global subscriber was installed before the capture's.
    #[error("cannot install the capturing subscriber: {0}")]
    Install(String),
}

/// Captures every event at every level, from every thread, while it is alive.
pub struct LogCapture {
    _exclusive: MutexGuard<'static, ()>,
}

struct SharedWriter;

impl Write for SharedWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = BUFFER.lock() {
            buffer.extend_from_slice(data);
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    /// Starts capturing (waits for another capture in the same process to finish).
    pub fn start() -> Result<Self, CaptureError> {
        let installed = INSTALLED.get_or_init(|| {
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(|| SharedWriter)
                .with_ansi(false)
                .with_filter(filter_fn(|_| ACTIVE.load(Ordering::Relaxed)));
            let subscriber = tracing_subscriber::registry().with(layer);
            tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())
        });
        if let Err(e) = installed {
            return Err(CaptureError::Install(e.clone()));
        }
        let exclusive = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        BUFFER.lock().unwrap_or_else(|p| p.into_inner()).clear();
        ACTIVE.store(true, Ordering::SeqCst);
        Ok(Self {
            _exclusive: exclusive,
        })
    }

    /// Stops capturing and returns everything logged since [`LogCapture::start`].
    pub fn finish(self) -> String {
        ACTIVE.store(false, Ordering::SeqCst);
        let bytes = std::mem::take(&mut *BUFFER.lock().unwrap_or_else(|p| p.into_inner()));
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        ACTIVE.store(false, Ordering::SeqCst);
    }
}
