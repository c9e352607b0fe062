//! Resource limits for SQL: a memory pool for the whole session (`--memory-limit`, default
//! [`DEFAULT_MEMORY_LIMIT`]) and a cap on the output of the string functions that can turn a
//! few bytes of SQL into gigabytes (`repeat`, `lpad`, `rpad`).
//!
//! What the pool covers: DataFusion charges the memory of its operators that buffer data
//! (sorts, aggregations, joins, repartitioning, window functions) to the pool; sorts and
//! aggregations spill to temporary files when it is full, and an operator that cannot fit
//! fails with "Resources exhausted". What it does not cover: the values scalar functions
//! produce, row by row. [`register_output_caps`] closes the biggest hole there by checking,
//! before they run, the size `repeat`, `lpad` and `rpad` would produce against
//! [`max_value_bytes`] (an eighth of the limit). Other functions can still build large values
//! from large inputs (`replace`, `concat`, `string_agg`, `array_repeat`, `range`); their inputs
//! are bounded by the capped functions and the estate's own data.

use std::num::NonZeroUsize;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::compute::kernels::length::length;
use datafusion::arrow::datatypes::{DataType, FieldRef, Int64Type};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::context::SessionContext;
use datafusion::execution::memory_pool::{GreedyMemoryPool, TrackConsumersPool};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature,
};

/// The default `--memory-limit`: 4 GiB, enough for any rule over an estate of tens of
/// thousands of repositories (the largest synthetic benchmark peaks well below it), small
/// enough to stop a runaway query before it takes a CI runner's memory.
pub const DEFAULT_MEMORY_LIMIT: usize = 4 << 30;

/// Parses a `--memory-limit` value: a number of bytes with an optional unit (`512M`, `4GiB`,
/// `1.5g`; K, M, G, T are powers of 1024, with or without `i` and `B`), or `0`, `none` or
/// `unlimited` for no limit (`None`).
pub fn parse_memory_limit(text: &str) -> Result<Option<usize>, String> {
    let t = text.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "0" | "none" | "unlimited" | "off") {
        return Ok(None);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let power = match unit.trim().trim_end_matches('b').trim_end_matches('i') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => {
            return Err(format!(
                "'{text}': unknown unit (use K, M, G or T, e.g. 4GiB)"
            ));
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size (e.g. 512M, 4GiB, or 'unlimited')"))?;
    let bytes = value * 2f64.powi(power);
    if !bytes.is_finite() || bytes < 1.0 || bytes >= usize::MAX as f64 {
        return Err(format!("'{text}' is out of range"));
    }
    Ok(Some(bytes as usize))
}

/// A size as text (`4GiB`, `512MiB`, `1234B`), for messages.
pub fn format_size(bytes: usize) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    format!("{bytes}B")
}

/// The most bytes one call of a capped string function may produce under `limit`.
pub fn max_value_bytes(limit: usize) -> usize {
    (limit / 8).max(1 << 20)
}

/// The session's runtime: a pool of `limit` bytes shared first come, first served (DataFusion's
/// own choice for a memory limit; a fair share per operator would make a query over many
/// partitions fail long before the limit), reporting its five largest consumers when it is
/// exhausted; or no limit.
pub fn runtime_env(limit: Option<usize>) -> Result<Arc<RuntimeEnv>> {
    let builder = RuntimeEnvBuilder::new();
    let builder = match limit {
        Some(bytes) => builder.with_memory_pool(Arc::new(TrackConsumersPool::new(
            GreedyMemoryPool::new(bytes),
            NonZeroUsize::MIN.saturating_add(4),
        ))),
        None => builder,
    };
    builder.build_arc()
}

/// Replaces `repeat`, `lpad` and `rpad` in `ctx` by versions that refuse to produce more than
/// [`max_value_bytes`] of `limit` per call.
pub fn register_output_caps(ctx: &SessionContext, limit: usize) {
    let state = ctx.state();
    for (name, kind) in [
        ("repeat", Estimate::Repeat),
        ("lpad", Estimate::Pad),
        ("rpad", Estimate::Pad),
    ] {
        let Some(inner) = state.scalar_functions().get(name).cloned() else {
            continue;
        };
        ctx.register_udf(ScalarUDF::new_from_impl(Capped { inner, kind, limit }));
    }
}

/// How a capped function's output size is estimated from its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Estimate {
    /// `repeat(s, n)`: bytes of `s` times `n`.
    Repeat,
    /// `lpad(s, n [, fill])`, `rpad(...)`: `n` characters (bytes for ASCII).
    Pad,
}

/// A string function that checks the size of what it would produce before producing it.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Capped {
    inner: Arc<ScalarUDF>,
    kind: Estimate,
    limit: usize,
}

impl ScalarUDFImpl for Capped {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        // An argument the estimate cannot read (none of the documented types) is not refused.
        let bytes = estimate(self.kind, &args.args, args.number_rows).unwrap_or(0);
        let max = max_value_bytes(self.limit);
        if bytes > max as u64 {
            return Err(DataFusionError::ResourcesExhausted(format!(
                "{}() would produce about {bytes} bytes, more than the {} one function call \
                 may produce under --memory-limit {} (an eighth of it)",
                self.inner.name(),
                format_size(max),
                format_size(self.limit),
            )));
        }
        self.inner.invoke_with_args(args)
    }
}

/// The bytes a capped call would produce over its rows (saturating).
fn estimate(kind: Estimate, args: &[ColumnarValue], rows: usize) -> Result<u64> {
    let (Some(text), Some(count)) = (args.first(), args.get(1)) else {
        return Ok(0);
    };
    let rows = if args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_))) {
        1
    } else {
        rows
    };
    let counts = int64s(&one_or_all(count)?)?;
    let lengths = match kind {
        Estimate::Repeat => Some(int64s(&length(one_or_all(text)?.as_ref())?)?),
        Estimate::Pad => None,
    };
    let mut total = 0u64;
    for row in 0..rows {
        let n = nonnegative(&counts, row);
        let each = lengths.as_ref().map_or(1, |l| nonnegative(l, row));
        total = total.saturating_add(n.saturating_mul(each));
    }
    Ok(total)
}

/// A scalar as a one-element array, an array as itself.
fn one_or_all(value: &ColumnarValue) -> Result<ArrayRef> {
    match value {
        ColumnarValue::Scalar(s) => s.to_array_of_size(1),
        ColumnarValue::Array(a) => Ok(Arc::clone(a)),
    }
}

fn int64s(array: &ArrayRef) -> Result<ArrayRef> {
    Ok(cast(array.as_ref(), &DataType::Int64)?)
}

/// Row `row` of an Int64 array (row 0 of a one-element array, which stands for a scalar),
/// NULL and negative values as 0.
fn nonnegative(array: &ArrayRef, row: usize) -> u64 {
    let values = array.as_primitive::<Int64Type>();
    let i = if values.len() == 1 { 0 } else { row };
    if i >= values.len() || values.is_null(i) {
        return 0;
    }
    u64::try_from(values.value(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_memory_limit("4GiB"), Ok(Some(4 << 30)));
        assert_eq!(parse_memory_limit("512M"), Ok(Some(512 << 20)));
        assert_eq!(parse_memory_limit("1.5g"), Ok(Some(3 << 29)));
        assert_eq!(parse_memory_limit("2 TB"), Ok(Some(2 << 40)));
        assert_eq!(parse_memory_limit("1048576"), Ok(Some(1 << 20)));
        assert_eq!(parse_memory_limit("unlimited"), Ok(None));
        assert_eq!(parse_memory_limit("0"), Ok(None));
        assert!(parse_memory_limit("4 parsecs").is_err());
        assert!(parse_memory_limit("lots").is_err());
        assert!(parse_memory_limit("").is_err());
        assert!(parse_memory_limit("0.1").is_err());
        assert_eq!(format_size(4 << 30), "4GiB");
        assert_eq!(format_size(1536 << 20), "1536MiB");
        assert_eq!(format_size(1000), "1000B");
    }
}
