with

source as (

    select * from {{ ref('raw_pdf_pages') }}

),

renamed as (

    select
        document_id,
        page,
        width as width_pt,
        height as height_pt,
        orientation,
        rotation,
        producer,
        has_text_layer,
        characters,
        book_pages,
        page_label,
        first_line,
        last_line
    from source

)

select * from renamed
