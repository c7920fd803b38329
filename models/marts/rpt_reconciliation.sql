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

-- every source of checks in one shape: its tolerance (the warehouse's own identities are exact)
-- and whether a difference is expected (declared by the document, or a revised projection)
{%- set sources = [
    ('extractor_checks', 'tolerance', 'expected'),
    ('identity_checks', 'cast(0 as double)', 'false'),
    ('cross_document_checks', 'tolerance', 'expected'),
    ('external_checks', 'tolerance', 'false'),
] %}
checks as (
    {%- for relation, tolerance, expected in sources %}

        select
            check_id,
            municipality_code,
            fiscal_year,
            subject,
            group_label,
            reported_value,
            computed_value,
            {{ tolerance }},
            note,
            {{ expected }} as declared_by_document,
            document_id,
            source_line
        from {{ relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

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
