# Writes a cross-encoder folder shaped like ms-marco-MiniLM-L-6-v2 (BERT, 6 layers, hidden 384,
# 12 heads, 512 positions) with RANDOM weights: its scores mean nothing, its cost is a real one.
# bench/rerank.ts times it where no real reranker can be downloaded:
#   python3 bench/tools/make_minilm_shaped_reranker.py OUT_DIR ../shared/models/synthetic-bert-rerank [q8]
#   npm run bench -- rerank --model OUT_DIR --dtype q8
# Needs the onnx package (and onnxruntime for q8, its int8 dynamic quantisation).
import json, os, shutil, sys
import numpy as np, onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh
out = sys.argv[1]; os.makedirs(out + '/onnx', exist_ok=True)
H, L, NH, I, V, P = 384, 6, 12, 1536, 30522, 512
rng = np.random.default_rng(0)
inits, nodes = [], []
def w(name, *shape, scale=0.02):
    inits.append(nh.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)); return name
def c(name, arr):
    inits.append(nh.from_array(np.array(arr), name)); return name
def n(op, ins, outs=None, **kw):
    outs = outs or [f'{op}_{len(nodes)}']; nodes.append(h.make_node(op, ins, outs, **kw)); return outs[0]
def ln(x, p):
    inits.append(nh.from_array(np.ones(H, np.float32), p + '_g')); inits.append(nh.from_array(np.zeros(H, np.float32), p + '_b'))
    return n('LayerNormalization', [x, p + '_g', p + '_b'], axis=-1, epsilon=1e-12)
def lin(x, p, i, o):
    return n('Add', [n('MatMul', [x, w(p + '_w', i, o)]), w(p + '_b', o)])
ids, mask, tt = 'input_ids', 'attention_mask', 'token_type_ids'
S = n('Gather', [n('Shape', [ids]), c('one', np.array(1, np.int64))], axis=0)
pos = n('Range', [c('zero', np.array(0, np.int64)), S, c('step', np.array(1, np.int64))])
x = n('Add', [n('Add', [n('Gather', [w('wemb', V, H), ids]), n('Gather', [w('pemb', P, H), pos])]), n('Gather', [w('temb', 2, H), tt])])
x = ln(x, 'emb_ln')
m = n('Cast', [mask], to=T.FLOAT)
ext = n('Mul', [n('Sub', [c('f1', np.array(1, np.float32)), m]), c('neg', np.array(-10000, np.float32))])
ext = n('Unsqueeze', [ext, c('ax12', np.array([1, 2], np.int64))])
shp = c('shp', np.array([0, 0, NH, H // NH], np.int64)); back = c('back', np.array([0, 0, H], np.int64))
scale = c('scale', np.array(1 / np.sqrt(H // NH), np.float32))
for l in range(L):
    p = f'l{l}'
    q = n('Transpose', [n('Reshape', [lin(x, p + 'q', H, H), shp])], perm=[0, 2, 1, 3])
    k = n('Transpose', [n('Reshape', [lin(x, p + 'k', H, H), shp])], perm=[0, 2, 3, 1])
    v = n('Transpose', [n('Reshape', [lin(x, p + 'v', H, H), shp])], perm=[0, 2, 1, 3])
    a = n('Softmax', [n('Add', [n('Mul', [n('MatMul', [q, k]), scale]), ext])], axis=-1)
    ctx = n('Reshape', [n('Transpose', [n('MatMul', [a, v])], perm=[0, 2, 1, 3]), back])
    x = ln(n('Add', [lin(ctx, p + 'o', H, H), x]), p + 'ln1')
    f = lin(x, p + 'f1', H, I)
    g = n('Mul', [n('Mul', [f, c(p + 'half', np.array(0.5, np.float32))]), n('Add', [n('Erf', [n('Div', [f, c(p + 'sq2', np.array(np.sqrt(2), np.float32))])]), c(p + 'f1c', np.array(1, np.float32))])])
    x = ln(n('Add', [lin(g, p + 'f2', I, H), x]), p + 'ln2')
cls = n('Gather', [x, c('zero_i', np.array(0, np.int64))], axis=1)
pooled = n('Tanh', [lin(cls, 'pool', H, H)])
n('Add', [n('MatMul', [pooled, w('cls_w', H, 1)]), w('cls_b', 1)], ['logits'])
dyn = lambda name, t: h.make_tensor_value_info(name, t, ['batch', 'seq'])
g = h.make_graph(nodes, 'bert', [dyn(ids, T.INT64), dyn(mask, T.INT64), dyn(tt, T.INT64)], [h.make_tensor_value_info('logits', T.FLOAT, ['batch', 1])], inits)
model = h.make_model(g, opset_imports=[h.make_opsetid('', 17)]); model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, out + '/onnx/model.onnx')
src = sys.argv[2]
for f in ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']: shutil.copy(os.path.join(src, f), out)
json.dump({'model_type': 'bert', 'architectures': ['BertForSequenceClassification'], 'hidden_size': H, 'num_hidden_layers': L, 'num_attention_heads': NH,
           'intermediate_size': I, 'vocab_size': V, 'max_position_embeddings': P, 'type_vocab_size': 2, 'id2label': {'0': 'LABEL_0'}, 'label2id': {'LABEL_0': 0}}, open(out + '/config.json', 'w'), indent=1)
if len(sys.argv) > 3:
    from onnxruntime.quantization import quantize_dynamic, QuantType
    quantize_dynamic(out + '/onnx/model.onnx', out + '/onnx/model_quantized.onnx', weight_type=QuantType.QInt8)
print('ok')
