with

source as (

    select * from {{ ref('raw_checks') }}

),

renamed as (

    select
        check_id,
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        subject,
        group_label,
        reported_value,
        computed_value,
        coalesce(tolerance, 0) as tolerance,
        note,
        expected
    from source

)

select * from renamed
