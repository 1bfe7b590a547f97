-- Forget every judgement (`derive`: the rules in data/dicts/reply_rules.toml may have changed).
delete from reply_judgements;
