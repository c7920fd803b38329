with

pages as (

    select * from {{ ref('stg_ingest__pdf_pages') }}

)

select
    document_id,
    page,
    width_pt,
    height_pt,
    orientation,
    rotation,
    producer,
    has_text_layer,
    characters,
    book_pages,
    page_label,
    first_line,
    last_line
from pages
