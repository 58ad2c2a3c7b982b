//! The pieces every staff write is built from: a conditional put inside a transaction, what a
//! refused condition means, and the error for a request the SDK could not build.

use super::{Item, Staff, StaffError, attr};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

/// What a write's refused condition means.
#[derive(Debug, Clone, Copy)]
pub(super) enum Refusal {
    Gone,
    EmailTaken,
    LastAdmin,
    CredentialTaken,
    InviteUsed,
}

pub(super) fn put(
    staff: &Staff,
    item: Item,
    condition: &str,
) -> Result<TransactWriteItem, StaffError> {
    let put = Put::builder()
        .table_name(&staff.table_name)
        .set_item(Some(item))
        .condition_expression(condition)
        .expression_attribute_names("#pk", attr::PK)
        .build()
        .map_err(|e| unbuildable(&e))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

pub(super) fn unbuildable(error: &dyn std::fmt::Display) -> StaffError {
    StaffError::Store(crate::store::StoreError::Unavailable(
        crate::aws::AwsError::other("DynamoDB", "TransactWriteItems", error.to_string()),
    ))
}
