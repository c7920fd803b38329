with

source as (

    select * from {{ ref('raw_budget_revisions') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        account_name,
        revision_seq,
        revision_label,
        decided_on,
        decided_on_kind,
        amount_yen,
        carryover_yen,
        budget_after_yen,
        budget_after_with_carryover_yen,
        status,
        note
    from source

)

select * from renamed
