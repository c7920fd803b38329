with

source as (

    select * from {{ ref('raw_finance_other') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        table_title,
        row_label,
        column_label,
        value,
        unit,
        amount_yen,
        is_total,
        status,
        note
    from source

)

select * from renamed
