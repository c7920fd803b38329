with

extractor_checks as (

    select * from {{ ref('stg_ingest__checks') }}

),

identity_checks as (

    select * from {{ ref('int_identity_checks') }}

),

cross_document_checks as (

    select * from {{ ref('int_cross_document_checks') }}

),

external_checks as (

    select * from {{ ref('int_external_checks') }}

),

acknowledged as (

    select * from {{ ref('stg_ingest__acknowledged_mismatches') }}

),

checks as (

    select
        check_id,
        municipality_code,
        fiscal_year,
        subject,
        group_label,
        reported_value,
        computed_value,
        tolerance,
        note,
        expected as declared_by_document,
        document_id,
        source_line
    from extractor_checks
    union all
    select
        check_id,
        municipality_code,
        fiscal_year,
        subject,
        group_label,
        reported_value,
        computed_value,
        cast(0 as double) as tolerance,
        note,
        false as declared_by_document,
        document_id,
        source_line
    from identity_checks
    union all
    select
        check_id,
        municipality_code,
        fiscal_year,
        subject,
        group_label,
        reported_value,
        computed_value,
        tolerance,
        note,
        expected as declared_by_document,
        document_id,
        source_line
    from cross_document_checks
    union all
    select
        check_id,
        municipality_code,
        fiscal_year,
        subject,
        group_label,
        reported_value,
        computed_value,
        tolerance,
        note,
        false as declared_by_document,
        document_id,
        source_line
    from external_checks

),

judged as (

    select
        checks.*,
        checks.reported_value - checks.computed_value as difference,
        acknowledged.note as acknowledged_note
    from checks
    left join acknowledged
        on checks.check_id = acknowledged.check_id

)

select
    check_id,
    municipality_code,
    fiscal_year,
    subject,
    group_label,
    reported_value,
    computed_value,
    difference,
    coalesce(tolerance, 0) as tolerance,
    case
        when reported_value is null or computed_value is null then 'unverifiable'
        when abs(difference) <= coalesce(tolerance, 0) + 0.000001 then 'ok'
        when declared_by_document or acknowledged_note is not null then 'expected_mismatch'
        else 'mismatch'
    end as status,
    coalesce(acknowledged_note, note) as note,
    document_id,
    source_line
from judged
