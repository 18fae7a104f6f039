/**
 * The "Layers" tree in the Scratchnet side bar: one item per layer (kind, output shape, parameter
 * count); expanding a layer shows its parameters with shape and live statistics (mean, std, ‖W‖,
 * ‖dW‖). Items have stable ids and parents, so `reveal` can select a layer picked in the graph.
 */
import * as vscode from 'vscode';
import type { LayerInfo, ParamStats } from '../shared/protocol';

/** A layer or one of its parameters. */
export type LayerNode = { kind: 'layer'; layer: LayerInfo } | { kind: 'param'; layer: LayerInfo; name: string; shape: number[] };

/** Formats a per-sample shape like `(30, 24, 24)`. */
export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

function num(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}

export class LayersProvider implements vscode.TreeDataProvider<LayerNode> {
  private readonly changed = new vscode.EventEmitter<LayerNode | LayerNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private layers: LayerInfo[] = [];
  private nodes = new Map<string, LayerNode>();
  private stats = new Map<string, ParamStats>();

  /** Shows the layers of a run (or none). */
  setLayers(layers: LayerInfo[]): void {
    this.layers = layers;
    this.nodes.clear();
    this.stats.clear();
    for (const l of layers) {
      this.nodes.set(l.id, { kind: 'layer', layer: l });
      for (const p of l.params) this.nodes.set(p.name, { kind: 'param', layer: l, name: p.name, shape: p.shape });
    }
    this.changed.fire(undefined);
  }

  /**
   * Updates the live statistics of the parameters, refreshing only their rows (a whole-tree refresh on
   * every probe would race with `reveal`).
   */
  setStats(stats: ParamStats[]): void {
    const changed: LayerNode[] = [];
    for (const s of stats) {
      this.stats.set(s.name, s);
      const n = this.nodes.get(s.name);
      if (n) changed.push(n);
    }
    if (changed.length) this.changed.fire(changed);
  }

  /** The node of a layer id, for `reveal`. */
  layerNode(id: string): LayerNode | undefined {
    const n = this.nodes.get(id);
    return n?.kind === 'layer' ? n : undefined;
  }

  getChildren(node?: LayerNode): LayerNode[] {
    if (!node) return this.layers.map((l) => this.nodes.get(l.id)!);
    if (node.kind === 'layer') return node.layer.params.map((p) => this.nodes.get(p.name)!);
    return [];
  }

  getParent(node: LayerNode): LayerNode | undefined {
    return node.kind === 'param' ? this.nodes.get(node.layer.id) : undefined;
  }

  getTreeItem(node: LayerNode): vscode.TreeItem {
    if (node.kind === 'layer') {
      const l = node.layer;
      const item = new vscode.TreeItem(l.id, l.params.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = l.id;
      item.description = `${l.kind} ${shapeText(l.outShape)}${l.paramCount ? ` · ${l.paramCount.toLocaleString('en')} params` : ''}`;
      item.tooltip = new vscode.MarkdownString(
        `**${l.id}** (${l.kind})\n\ninput ${shapeText(l.inShape)} → output ${shapeText(l.outShape)}\n\n${l.paramCount.toLocaleString('en')} parameters`,
      );
      item.contextValue = 'scratchnet.layer';
      item.iconPath = new vscode.ThemeIcon(l.params.length ? 'symbol-class' : 'symbol-operator');
      return item;
    }
    const s = this.stats.get(node.name);
    const short = node.name.slice(node.layer.id.length + 1);
    const item = new vscode.TreeItem(short, vscode.TreeItemCollapsibleState.None);
    item.id = node.name;
    item.description = s
      ? `${shapeText(node.shape)}  mean ${num(s.mean)}  std ${num(s.std)}  ‖W‖ ${num(s.norm)}  ‖dW‖ ${num(s.gradNorm)}`
      : shapeText(node.shape);
    item.tooltip = s
      ? `${node.name} ${shapeText(node.shape)}\nmean ${s.mean}\nstd ${s.std}\n‖W‖ ${s.norm}\n‖dW‖ ${s.gradNorm}`
      : `${node.name} ${shapeText(node.shape)}`;
    item.contextValue = 'scratchnet.param';
    item.iconPath = new vscode.ThemeIcon('symbol-array');
    return item;
  }
}
