with

source as (

    select * from {{ ref('raw_table_cells') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        source_page,
        table_id,
        table_title,
        row_no,
        col_no,
        row_path,
        column_path,
        printed_text,
        value,
        unit,
        value_yen,
        is_total,
        concept,
        checked,
        status,
        note
    from source

)

select * from renamed
