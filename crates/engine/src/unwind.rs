//! A panic inside DataFusion or the Parquet decoder while a query runs (hostile bytes in a
//! snapshot that passed the checks made when it was opened, or a DataFusion bug) becomes an
//! error of that query, not a crashed process: every query future and stream of the engine
//! runs under [`guard`] or [`guard_stream`].

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use datafusion::error::DataFusionError;
use datafusion::execution::{RecordBatchStream, SendableRecordBatchStream};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use futures::{FutureExt, StreamExt};

use crate::integrity::panic_message;

/// Runs `fut`, turning a panic into an error.
pub async fn guard<T>(
    fut: impl Future<Output = Result<T, DataFusionError>>,
) -> Result<T, DataFusionError> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(panicked(payload.as_ref())),
    }
}

/// `stream`, with a panic while polling it turned into a final error item.
pub fn guard_stream(stream: SendableRecordBatchStream) -> SendableRecordBatchStream {
    let schema = RecordBatchStream::schema(&*stream);
    let guarded = AssertUnwindSafe(stream)
        .catch_unwind()
        .map(|item| match item {
            Ok(batch) => batch,
            Err(payload) => Err(panicked(payload.as_ref())),
        });
    Box::pin(RecordBatchStreamAdapter::new(schema, guarded))
}

fn panicked(payload: &(dyn Any + Send)) -> DataFusionError {
    DataFusionError::Execution(format!(
        "internal error while running the query ({}); if it reads a snapshot, a table file \
         may be damaged",
        panic_message(payload)
    ))
}
