with

source as (

    select * from {{ ref('raw_budget_item_revisions') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        account_name,
        side,
        item_no,
        revision_seq,
        amount_yen,
        status,
        note
    from source

)

select * from renamed
