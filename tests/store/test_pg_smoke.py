def test_init_on_both_stores(db_url, cli):
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    rows = cli.json("contacts")
    assert [r["field"] for r in rows][:2] == ["bildung", "soziales"]
