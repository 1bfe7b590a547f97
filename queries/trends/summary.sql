-- Headline counts of the items matching the filters (KPI cards; run again for the previous period
-- and the same period a year before to get 环比 / 同比).
-- scored: items with a sentiment; negative / positive: 负面 / 正面 among them.
-- requests: requests (诉求) among them; opinion: web opinion (舆情); valid_requests: valid requests.
-- Reply figures are not here: they have one definition, in metrics/department_stats.
-- first/last_published: the span actually covered.
select
    count(*) as items,
    count(sentiment) as scored,
    count(*) filter (where sentiment = '负面') as negative,
    count(*) filter (where sentiment = '正面') as positive,
    count(*) filter (where kind = '诉求') as requests,
    count(*) filter (where kind = '舆情') as opinion,
    count(*) filter (where kind = '诉求' and is_valid) as valid_requests,
    min(published_at) as first_published,
    max(published_at) as last_published
from filtered_items($filters)
