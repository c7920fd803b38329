with

documents as (

    select * from {{ ref('stg_ingest__documents') }}

)

select
    document_id,
    municipality_code,
    fiscal_year,
    title,
    source_path,
    sha256,
    line_count,
    encoding as encoding_detected,
    layout
from documents
