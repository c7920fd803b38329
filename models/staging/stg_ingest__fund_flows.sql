with

source as (

    select * from {{ ref('raw_fund_flows') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        fund_name,
        flow_type,
        breakdown_name,
        amount_yen,
        status,
        note
    from source

)

select * from renamed
