-- Each system name mapped to one of the 20 標準化対象業務 through the reviewed seed
-- ref_standard_business_map (longest matching pattern wins; NULL where none fits).
with

it_systems as (

    select distinct system_name from {{ ref('stg_ingest__it_systems') }}

),

mapped as (

    {{ longest_pattern_match(
        'it_systems', 'system_name',
        ref('ref_standard_business_map'), 'standard_business_area'
    ) }}

)

select * from mapped
