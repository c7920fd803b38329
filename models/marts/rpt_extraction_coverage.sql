with

line_tokens as (

    select * from {{ ref('stg_ingest__line_tokens') }}

),

sections as (

    select * from {{ ref('stg_ingest__sections') }}

),

per_section as (

    select
        line_tokens.document_id,
        sections.section_path,
        sum(line_tokens.numeric_tokens) as numeric_tokens,
        sum(line_tokens.captured_tokens) as captured_tokens
    from line_tokens
    inner join sections
        on line_tokens.section_id = sections.section_id
    group by line_tokens.document_id, sections.section_path

)

select
    document_id,
    section_path,
    cast(numeric_tokens as integer) as numeric_tokens,
    cast(captured_tokens as integer) as captured_tokens,
    cast(captured_tokens as double) / nullif(numeric_tokens, 0) as coverage_ratio
from per_section
