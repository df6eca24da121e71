# Partners and referrals arrive with the warm handover ([6/7]).
