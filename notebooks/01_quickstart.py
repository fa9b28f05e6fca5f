# %% [markdown]
# # test
# %%
import functrans as ft
import functrans.numpy as fnp
print(ft.jit(fnp.sin)(fnp.ones(3)))
