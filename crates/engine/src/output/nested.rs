//! Lists, maps and structs as JSON text, for the formats that hold only scalars: CSV cannot hold
//! a nested value (Arrow's CSV writer refuses it), and Markdown shows one as JSON. Each value is
//! written by Arrow's own JSON encoder, exactly as `--format json` writes it (struct fields
//! that are NULL included); a NULL value stays NULL (an empty CSV field).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::json::writer::{EncoderOptions, make_encoder};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};

/// True when a column of `schema` is nested (list, map, struct, union, or a dictionary of one).
pub fn has_nested(schema: &Schema) -> bool {
    schema.fields().iter().any(|f| f.data_type().is_nested())
}

/// `schema` with every nested column turned into a nullable UTF-8 column of the same name.
pub fn json_text_schema(schema: &SchemaRef) -> SchemaRef {
    if !has_nested(schema) {
        return schema.clone();
    }
    let fields: Vec<FieldRef> = schema
        .fields()
        .iter()
        .map(|f| {
            if f.data_type().is_nested() {
                Arc::new(Field::new(f.name(), DataType::Utf8, true))
            } else {
                f.clone()
            }
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// `batch` with every nested column as JSON text (see [`json_text`]); the batch itself when it
/// has none.
pub fn json_text_batch(batch: &RecordBatch) -> Result<RecordBatch, ArrowError> {
    let schema = batch.schema();
    if !has_nested(&schema) {
        return Ok(batch.clone());
    }
    let columns = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, column)| {
            if field.data_type().is_nested() {
                json_text(field, column)
            } else {
                Ok(column.clone())
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    RecordBatch::try_new_with_options(json_text_schema(&schema), columns, &options)
}

/// Each value of `array` (the column `field`) as one JSON text, NULL kept as NULL.
pub fn json_text(field: &FieldRef, array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    let options = EncoderOptions::default().with_explicit_nulls(true);
    let mut encoder = make_encoder(field, array.as_ref(), &options)?;
    let mut texts = StringBuilder::with_capacity(array.len(), array.len() * 16);
    let mut buf = Vec::new();
    for row in 0..array.len() {
        if encoder.is_null(row) {
            texts.append_null();
            continue;
        }
        buf.clear();
        encoder.encode(row, &mut buf);
        // The encoder writes UTF-8 JSON; a lossy conversion can only be a no-op.
        texts.append_value(String::from_utf8_lossy(&buf));
    }
    Ok(Arc::new(texts.finish()))
}
