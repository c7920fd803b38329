with

source as (

    select * from {{ ref('raw_line_tokens') }}

),

renamed as (

    select
        document_id,
        line_no,
        section_id,
        numeric_tokens,
        captured_tokens
    from source

)

select * from renamed
