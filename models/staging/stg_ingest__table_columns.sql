with

source as (

    select * from {{ ref('raw_table_columns') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        table_id,
        table_title,
        row_header,
        col_no,
        column_path,
        unit,
        role,
        role_rows
    from source

)

select * from renamed
