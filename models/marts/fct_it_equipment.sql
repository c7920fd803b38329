with

it_equipment as (

    select * from {{ ref('stg_ingest__it_equipment') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    equipment_type,
    quantity,
    status,
    note
from it_equipment
