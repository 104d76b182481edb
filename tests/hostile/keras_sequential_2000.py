# hostile: model Stack total=40000
# keras.Sequential of 2,000 layers given at once: built once, as Keras builds it (each
# layer was rebuilt with every later one: 8 s, 740 MB).
import keras
from keras import layers

Stack = keras.Sequential([keras.Input(shape=(4,))] + [layers.Dense(4) for _ in range(2000)])
