with

meetings as (

    select * from {{ ref('stg_ingest__meetings') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    org_unit,
    body_name,
    session_label,
    held_on,
    held_until,
    format,
    agenda,
    status,
    note
from meetings
