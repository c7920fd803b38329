with

source as (

    select * from {{ ref('raw_documents') }}

),

renamed as (

    select
        document_id,
        municipality_code,
        fiscal_year,
        title,
        source_path,
        sha256,
        encoding,
        line_count,
        layout
    from source

)

select * from renamed
