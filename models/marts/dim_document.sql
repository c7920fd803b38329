with

documents as (

    select * from {{ ref('stg_ingest__documents') }}

),

pages as (

    select
        document_id,
        count(*) as page_count,
        sum(case when has_text_layer then 0 else 1 end) as pages_without_text
    from {{ ref('stg_ingest__pdf_pages') }}
    group by document_id

)

select
    d.document_id,
    d.municipality_code,
    d.fiscal_year,
    d.title,
    d.source_path,
    d.sha256,
    d.line_count,
    d.encoding as encoding_detected,
    d.layout,
    cast(p.page_count as integer) as page_count,
    cast(p.pages_without_text as integer) as pages_without_text
from documents as d
left join pages as p on d.document_id = p.document_id
