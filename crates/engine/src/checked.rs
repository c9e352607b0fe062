//! Checked integer arithmetic. DataFusion 55 evaluates `+`, `-` and `*` on integers with
//! wrapping kernels (`select 9223372036854775807 + 1` gives `-9223372036854775808`), and no
//! configuration option changes that for SQL: its `BinaryExpr` can fail on overflow, but the
//! physical planner never asks it to (`enable_ansi_mode` only affects the Spark functions).
//!
//! [`CheckedArithmetic`] is an analyzer rule that runs after type coercion and replaces every
//! `+`, `-` and `*` whose operands are integers of one type with `checked_add`, `checked_sub`
//! or `checked_mul`, which use Arrow's checked kernels and fail with "integer overflow".
//! Column names stay as written (`a + b`, not `checked_add(a, b)`); `EXPLAIN` shows the
//! functions. Not covered: `sum()` and other aggregates (they wrap), unary minus of the
//! smallest integer, and arithmetic on decimals (whose precision grows instead).

use std::sync::Arc;

use datafusion::arrow::compute::kernels::numeric::{add, mul, sub};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::config::ConfigOptions;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{
    BinaryExpr, ColumnarValue, Expr, ExprSchemable, LogicalPlan, Operator, ReturnFieldArgs,
    ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::optimizer::AnalyzerRule;

/// Which operation a checked function performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    Add,
    Sub,
    Mul,
}

/// `checked_add(a, b)`, `checked_sub(a, b)`, `checked_mul(a, b)` on two integers of one type.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CheckedOp {
    op: Op,
    signature: Signature,
}

impl CheckedOp {
    fn udf(op: Op) -> Arc<ScalarUDF> {
        Arc::new(ScalarUDF::new_from_impl(Self {
            op,
            signature: Signature::any(2, Volatility::Immutable),
        }))
    }

    fn symbol(&self) -> &'static str {
        match self.op {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
        }
    }
}

impl ScalarUDFImpl for CheckedOp {
    fn name(&self) -> &str {
        match self.op {
            Op::Add => "checked_add",
            Op::Sub => "checked_sub",
            Op::Mul => "checked_mul",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        arg_types
            .first()
            .cloned()
            .ok_or_else(|| DataFusionError::Plan(format!("{} takes two arguments", self.name())))
    }

    /// Nullable only when an operand is, like the operator it replaces (so the plan's schema
    /// does not change).
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let types: Vec<DataType> = args
            .arg_fields
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        let nullable = args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(Field::new(
            self.name(),
            self.return_type(&types)?,
            nullable,
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [left, right] = arrays.as_slice() else {
            return Err(DataFusionError::Execution(format!(
                "{} takes two arguments",
                self.name()
            )));
        };
        let result = match self.op {
            Op::Add => add(left, right),
            Op::Sub => sub(left, right),
            Op::Mul => mul(left, right),
        }
        .map_err(|e| {
            DataFusionError::Execution(format!(
                "integer overflow in `{}`: {e} (devquery checks integer arithmetic; cast an \
                 operand to DOUBLE or DECIMAL for larger values)",
                self.symbol()
            ))
        })?;
        if scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
                &result, 0,
            )?))
        } else {
            Ok(ColumnarValue::Array(result))
        }
    }
}

/// The analyzer rule that makes integer `+`, `-` and `*` fail on overflow (see the module
/// documentation).
#[derive(Debug)]
pub struct CheckedArithmetic {
    add: Arc<ScalarUDF>,
    sub: Arc<ScalarUDF>,
    mul: Arc<ScalarUDF>,
}

impl Default for CheckedArithmetic {
    fn default() -> Self {
        Self {
            add: CheckedOp::udf(Op::Add),
            sub: CheckedOp::udf(Op::Sub),
            mul: CheckedOp::udf(Op::Mul),
        }
    }
}

impl AnalyzerRule for CheckedArithmetic {
    fn name(&self) -> &str {
        "devquery_checked_arithmetic"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan
            .transform_up_with_subqueries(|plan| self.rewrite_plan(plan))?
            .data)
    }
}

impl CheckedArithmetic {
    /// Rewrites one plan node's expressions, keeping their names.
    fn rewrite_plan(&self, plan: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
        let schema = merge_schema(&plan.inputs());
        let names = NamePreserver::new(&plan);
        let rewritten = plan.map_expressions(|expr| {
            let name = names.save(&expr);
            Ok(expr
                .transform_up(|e| self.rewrite_expr(e, &schema))?
                .update_data(|e| name.restore(e)))
        })?;
        if rewritten.transformed {
            rewritten.map_data(|p| p.recompute_schema())
        } else {
            Ok(rewritten)
        }
    }

    /// `a + b` on integers of one type becomes `checked_add(a, b)` (likewise `-`, `*`).
    fn rewrite_expr(&self, expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
        let udf = match &expr {
            Expr::BinaryExpr(BinaryExpr { left, op, right }) if integers(left, right, schema) => {
                match op {
                    Operator::Plus => &self.add,
                    Operator::Minus => &self.sub,
                    Operator::Multiply => &self.mul,
                    _ => return Ok(Transformed::no(expr)),
                }
            }
            _ => return Ok(Transformed::no(expr)),
        };
        let Expr::BinaryExpr(BinaryExpr { left, right, .. }) = expr else {
            return Ok(Transformed::no(expr));
        };
        Ok(Transformed::yes(Expr::ScalarFunction(
            ScalarFunction::new_udf(Arc::clone(udf), vec![*left, *right]),
        )))
    }
}

/// Whether both operands are integers of the same type (as they are after type coercion).
fn integers(left: &Expr, right: &Expr, schema: &DFSchema) -> bool {
    match (left.get_type(schema), right.get_type(schema)) {
        (Ok(l), Ok(r)) => l == r && l.is_integer(),
        _ => false,
    }
}
