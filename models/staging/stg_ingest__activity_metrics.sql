with

source as (

    select * from {{ ref('raw_activity_metrics') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        org_unit,
        table_title,
        row_label,
        column_label,
        period_month,
        value,
        unit,
        is_total,
        status,
        note
    from source

)

select * from renamed
