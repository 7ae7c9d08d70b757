"""The benchmark's naive baseline: what a typical dashboard does.

On every rerun it reads the whole workbook with pandas (openpyxl), joins and filters in pandas
and shows every matching row. Bench-only: `python -m lasdash bench` points it at a workbook
with LASDASH_BENCH_WORKBOOK.
"""
import os

import pandas as pd
import streamlit as st

HCPS = ["NWL", "NCL", "NEL", "SEL", "SWL"]

sheets = pd.read_excel(os.environ["LASDASH_BENCH_WORKBOOK"], sheet_name=None, engine="openpyxl")
hcps = st.sidebar.pills("Health and Care Partnership", HCPS, selection_mode="multi", key="hcp")
wider = st.sidebar.toggle("Include London-wide and national", value=True, key="wider")
wanted = list(hcps or HCPS) + (["London", "National"] if wider else [])

orgs, people, forums, roles = (sheets[s] for s in ("Organisations", "People", "Forums", "Roles"))
seats = (roles.merge(people[["ID", "Name"]].rename(columns={"ID": "Person ID", "Name": "Person"}), how="left")
         .merge(forums[["ID", "Name", "Footprint"]].rename(columns={"ID": "Forum ID", "Name": "Forum",
                                                                   "Footprint": "Forum footprint"}), how="left")
         .merge(orgs[["ID", "Name", "Footprint"]].rename(columns={"ID": "Organisation ID", "Name": "Organisation",
                                                                 "Footprint": "Organisation footprint"}), how="left"))
seats["Where"] = seats["Footprint"].fillna(seats["Forum footprint"]).fillna(seats["Organisation footprint"])
seats = seats[seats["Where"].isin(wanted)]
orgs = orgs[orgs["Footprint"].isin(wanted)]

st.title("Stakeholder map (naive baseline)")
a, b, c = st.columns(3)
a.metric("Organisations", len(orgs))
b.metric("People with a seat", seats["Person ID"].nunique())
c.metric("Seats", len(seats))
st.bar_chart(seats.groupby("Where").size().rename("Seats"))
st.dataframe(orgs, hide_index=True)
st.dataframe(seats[["ID", "Person", "Role", "Forum", "Organisation", "Where", "Source"]], hide_index=True)
